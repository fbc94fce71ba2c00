using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Features and labels held in memory as two tensors whose first dimension is the example. Batches are views or
/// index-selects made inside the caller's dispose scope; this object keeps ownership of the two tensors.
/// </summary>
/// <remarks>Named so that it never clashes with TorchSharp's own <c>TorchSharp.Modules.TensorDataset</c> under the
/// usings a TorchSharp program writes (<c>using TorchSharp.Modules;</c> beside <c>using Attune.FineTuning;</c>).</remarks>
public sealed class LabeledTensors : IBatchSource
{
    public LabeledTensors(Tensor features, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.dim() == 0)
            throw new ArgumentException($"Features must have a first dimension that counts examples; found a scalar tensor.", nameof(features));
        if (labels.dim() == 0)
            throw new ArgumentException($"Labels must have a first dimension that counts examples; found a scalar tensor.", nameof(labels));
        if (features.shape[0] != labels.shape[0])
            throw new ArgumentException(
                $"Features and labels must hold the same number of examples; found {features.shape[0]} feature rows (shape {Shapes.Format(features)}) and {labels.shape[0]} labels (shape {Shapes.Format(labels)}).",
                nameof(labels));
        Features = features;
        Labels = labels;
    }

    public Tensor Features { get; }
    public Tensor Labels { get; }
    public long Count => Features.shape[0];

    public IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        long n = Count;
        if (!shuffle)
        {
            for (long start = 0; start < n; start += batchSize)
            {
                long length = Math.Min(batchSize, n - start);
                yield return (Features.narrow(0, start, length), Labels.narrow(0, start, length));
            }
            yield break;
        }

        // The permutation lives for the whole pass. It is created on the first MoveNext, which the trainer calls inside
        // the first step's dispose scope, so it is detached from that scope (or the first step would free it) and
        // disposed when the pass ends. Each batch's index slice is made lazily, so it lands in the dispose scope of the
        // step that consumes it.
        using var permutation = torch.randperm(n, generator: generator).DetachFromDisposeScope();
        for (long start = 0; start < n; start += batchSize)
        {
            long length = Math.Min(batchSize, n - start);
            var index = permutation.narrow(0, start, length);
            yield return (Features.index_select(0, index), Labels.index_select(0, index));
        }
    }
}
