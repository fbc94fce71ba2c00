using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// Examples a fine-tune reads in batches. The trainer disposes each batch's tensors after the step that used them
/// (they are made inside the step's dispose scope), so a source may create them freshly on every call.
/// </summary>
public interface IBatchSource
{
    /// <summary>Number of examples.</summary>
    long Count { get; }

    /// <summary>
    /// The batches of one pass, in order, or shuffled with <paramref name="generator"/> when <paramref name="shuffle"/>
    /// is set. Every batch but the last has <paramref name="batchSize"/> examples.
    /// </summary>
    IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator);
}
