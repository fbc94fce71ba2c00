using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>Which rows go into which batch, in which order, for one pass.</summary>
internal static class BatchPlan
{
    public static List<int[]> Make(TokenStore store, int batchSize, bool shuffle, Generator? generator, bool groupByLength, int megaBatchSize)
    {
        int n = store.Count;
        if (!shuffle) return Cut(Enumerable.Range(0, n).ToArray(), batchSize);

        var order = Permutation(n, generator);
        if (!groupByLength) return Cut(order, batchSize);

        // Hugging Face's group_by_length: sort by length only inside mega-batches of shuffled rows, so that a batch holds
        // rows of similar length but the rows that meet still change from pass to pass. The sort is stable (longest
        // first, ties in shuffled order), so the plan depends on nothing but the generator.
        int mega = checked(batchSize * megaBatchSize);
        var grouped = new List<int>(n);
        for (int start = 0; start < n; start += mega)
            grouped.AddRange(order.Skip(start).Take(mega).OrderByDescending(store.Length));
        var batches = Cut(grouped.ToArray(), batchSize);

        // Shuffle the batches too: sorted mega-batches alone would run long-to-short inside each. A short last batch
        // stays last, as a batch source promises (every batch but the last is full).
        int full = batches[^1].Length == batchSize ? batches.Count : batches.Count - 1;
        var batchOrder = Permutation(full, generator);
        var shuffled = batchOrder.Select(b => batches[b]).ToList();
        // As Hugging Face does, the batch with the longest row goes first: if the widest step does not fit in memory,
        // the run fails at its first step rather than somewhere in the epoch.
        if (full > 1)
        {
            int widest = 0;
            for (int b = 1; b < full; b++)
                if (store.Length(shuffled[b][0]) > store.Length(shuffled[widest][0])) widest = b;
            (shuffled[0], shuffled[widest]) = (shuffled[widest], shuffled[0]);
        }
        if (full < batches.Count) shuffled.Add(batches[^1]);
        return shuffled;
    }

    /// <summary>A random permutation of 0..n-1 drawn with torch.randperm, so that a seeded generator repeats it.</summary>
    public static int[] Permutation(int n, Generator? generator)
    {
        if (n == 0) return Array.Empty<int>();
        // Inside a scope of its own: the permutation is read into managed memory at once, so no tensor outlives this call
        // (the trainer calls MoveNext, and so this, inside a training step's dispose scope).
        using var scope = torch.NewDisposeScope();
        using var permutation = torch.randperm(n, generator: generator, dtype: ScalarType.Int64);
        // ToArray copies the tensor's memory in one go; enumerating its accessor element by element (as LINQ would) costs
        // more per pass than assembling a batch.
        var values = permutation.data<long>().ToArray();
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (int)values[i];
        return order;
    }

    private static List<int[]> Cut(int[] rows, int batchSize)
    {
        var batches = new List<int[]>((rows.Length + batchSize - 1) / batchSize);
        for (int start = 0; start < rows.Length; start += batchSize)
            batches.Add(rows.AsSpan(start, Math.Min(batchSize, rows.Length - start)).ToArray());
        return batches;
    }
}
