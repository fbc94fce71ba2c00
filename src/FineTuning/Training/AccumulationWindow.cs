using System;
using System.Globalization;

namespace Attune.FineTuning;

/// <summary>
/// The arithmetic of gradient accumulation: which micro-batches form one optimizer step and how many examples that
/// step averages over. A window is <c>k</c> consecutive micro-batches of an epoch; the epoch's last window is shorter
/// when the batches do not divide by <c>k</c>, and the epoch's last batch is short when the examples do not divide by
/// the batch size. Each micro-batch's mean loss is weighted by its example count over the window's example count, so
/// the summed gradient is the gradient of the mean loss over every example of the window — the same as one batch of
/// those examples. (Dividing by <c>k</c> instead over-weights the examples of a short batch and under-weights a short
/// window: the kind of bug Hugging Face Transformers fixed in 4.46, there for token counts.)
/// </summary>
internal static class AccumulationWindow
{
    /// <summary>Batches in one pass over <paramref name="count"/> examples.</summary>
    public static long BatchesPerEpoch(long count, int batchSize) => (count + batchSize - 1) / batchSize;

    /// <summary>Optimizer steps in one epoch: one per window of <paramref name="accumulation"/> batches, the last maybe short.</summary>
    public static long StepsPerEpoch(long count, int batchSize, int accumulation)
        => (BatchesPerEpoch(count, batchSize) + accumulation - 1) / accumulation;

    /// <summary>Examples in 0-based batch <paramref name="batch"/> of an epoch (the source's contract: all but the last are full).</summary>
    public static long BatchExamples(long count, int batchSize, long batch)
        => Math.Max(0, Math.Min(batchSize, count - batch * batchSize));

    /// <summary>Examples in the window that starts at 0-based batch <paramref name="firstBatch"/>.</summary>
    public static long WindowExamples(long count, int batchSize, int accumulation, long firstBatch)
    {
        long start = firstBatch * batchSize;
        return Math.Max(0, Math.Min(count, start + (long)accumulation * batchSize) - start);
    }

    /// <summary>The source broke its contract, which accumulation relies on to weight micro-batches before their backward.</summary>
    public static FineTuneDataException UnexpectedBatch(string model, long count, int batchSize, long batch, long expected, long found)
        => new(string.Format(CultureInfo.InvariantCulture,
            "The training source of {0} yielded {1} examples in batch {2} of the epoch; expected {3} ({4} examples in batches of {5}: every batch but the last full, as IBatchSource promises). Gradient accumulation weights each micro-batch by its share of the optimizer step's examples before its backward pass, so it needs batches of the promised sizes; fix the source's Count or its batches.",
            model, found, batch + 1, expected, count, batchSize));
}
