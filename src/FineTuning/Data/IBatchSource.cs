using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Examples a fine-tune reads in batches: model inputs of type <typeparamref name="TInput"/> (one tensor, or a batch
/// record of several such as token ids and an attention mask) and a labels tensor whose first dimension counts the
/// batch's examples. The trainer disposes each batch's tensors after the step that used them (they are made inside the
/// step's dispose scope), so a source may create them freshly on every call.
/// </summary>
/// <remarks>
/// The trainer advances the enumerator (<c>MoveNext</c>) inside each step's dispose scope. A tensor the source makes
/// lazily and keeps for the whole pass (a shuffle permutation, say) must therefore be detached from that scope
/// (<c>DetachFromDisposeScope()</c>) and disposed by the source when the pass ends, as <see cref="LabeledTensors"/> does.
/// An input made of several tensors should implement <see cref="IModelInput"/> so that errors can show its shapes.
/// </remarks>
public interface IBatchSource<TInput> where TInput : notnull
{
    /// <summary>Number of examples.</summary>
    long Count { get; }

    /// <summary>
    /// The batches of one pass, in order, or shuffled with <paramref name="generator"/> when <paramref name="shuffle"/>
    /// is set. Every batch but the last has <paramref name="batchSize"/> examples.
    /// </summary>
    IEnumerable<(TInput Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator);
}

/// <summary>Examples whose model input is one tensor (the shape of <c>nn.Module&lt;Tensor, Tensor&gt;</c>).</summary>
public interface IBatchSource : IBatchSource<Tensor>
{
}

/// <summary>
/// A batch source that knows every class label it holds without reading its batches (a text data set keeps its label
/// indices in memory): a fine-tune then checks them all against the model's output classes before the first step, as it
/// does for a <see cref="LabeledTensors"/>, instead of finding a label the model cannot output in some later batch.
/// </summary>
public interface IClassLabelSource
{
    /// <summary>The smallest and largest class index among the examples, or null when there are none.</summary>
    (long Min, long Max)? ClassLabelRange { get; }

    /// <summary>The first row (0-based) whose class index is outside [0, <paramref name="classes"/>), with its index, or
    /// null; and how the label reads to a person (e.g. "'other'").</summary>
    (long Row, long Label, string Name)? FirstClassLabelOutside(long classes);
}
