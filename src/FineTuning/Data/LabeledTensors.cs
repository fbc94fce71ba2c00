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
        Count = features.shape[0];
    }

    public Tensor Features { get; }
    public Tensor Labels { get; }
    /// <summary>Examples, read once from the features' first dimension (reading a tensor's shape is a native call and
    /// an array; the trainer and every pass ask for it).</summary>
    public long Count { get; }

    public IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        return new Pass(this, batchSize, shuffle, generator);
    }

    /// <summary>One pass's batches; each enumeration is a pass of its own (a shuffled one draws its own permutation).</summary>
    private sealed class Pass(LabeledTensors data, int batchSize, bool shuffle, Generator? generator) : IEnumerable<(Tensor Features, Tensor Labels)>
    {
        public IEnumerator<(Tensor Features, Tensor Labels)> GetEnumerator() => new Batch(data, batchSize, shuffle, generator);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The batch enumerator, written out rather than as an iterator method: the trainer calls it once per step, and a
    /// step should cost what a hand-written loop's index arithmetic and two selects cost (the overhead benchmark,
    /// docs/benchmarks.md, compares the two).
    /// </summary>
    /// <remarks>The permutation lives for the whole pass. It is created on the first MoveNext, which the trainer calls
    /// inside the first step's dispose scope, so it is detached from that scope (or the first step would free it) and
    /// disposed when the pass ends. Each batch's index slice is made in MoveNext, so it lands in the dispose scope of
    /// the step that consumes it.</remarks>
    private sealed class Batch(LabeledTensors data, int batchSize, bool shuffle, Generator? generator) : IEnumerator<(Tensor Features, Tensor Labels)>
    {
        private readonly long _count = data.Count;
        private long _start;
        private Tensor? _permutation;

        public (Tensor Features, Tensor Labels) Current { get; private set; }

        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            long start = _start;
            if (start >= _count)
            {
                Dispose();
                return false;
            }
            long length = Math.Min(batchSize, _count - start);
            _start = start + length;
            if (!shuffle)
            {
                Current = (data.Features.narrow(0, start, length), data.Labels.narrow(0, start, length));
                return true;
            }
            _permutation ??= torch.randperm(_count, generator: generator).DetachFromDisposeScope();
            var index = _permutation.narrow(0, start, length);
            Current = (data.Features.index_select(0, index), data.Labels.index_select(0, index));
            return true;
        }

        public void Reset() => throw new NotSupportedException("A pass over the batches cannot be restarted; call Batches again for another pass.");

        /// <summary>Ends the pass (a later MoveNext returns false) and frees its permutation.</summary>
        public void Dispose()
        {
            _start = _count;
            _permutation?.Dispose();
            _permutation = null;
        }
    }
}
