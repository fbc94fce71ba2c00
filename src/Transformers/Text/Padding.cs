using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>The token ids of a batch's rows, by position in the batch.</summary>
/// <remarks>Implemented by structs and taken as a generic argument, so the JIT compiles one copy of
/// <see cref="Padding.Pad{TRows}"/> per source with the row lookup inlined: a batch is assembled in the time a
/// hand-written gather takes (bench/Attune.Bench, <c>overhead --cases batches-text</c>), with no closure or delegate call
/// per row.</remarks>
internal interface IBatchRows
{
    int Count { get; }
    ReadOnlySpan<int> Row(int index);
}

/// <summary>Rows of a <see cref="TokenStore"/> picked by index.</summary>
internal readonly struct StoreRows(TokenStore store, int[] rows) : IBatchRows
{
    public int Count => rows.Length;
    public ReadOnlySpan<int> Row(int index) => store.Row(rows[index]);
}

/// <summary>Rows held as arrays.</summary>
internal readonly struct ArrayRows(IReadOnlyList<int[]> rows) : IBatchRows
{
    public int Count => rows.Count;
    public ReadOnlySpan<int> Row(int index) => rows[index];
}

/// <summary>
/// Dynamic padding: a batch is as wide as its own longest row, not the maximum length, so a batch of short reviews
/// costs short-review compute. A <c>minWidth</c> (the maximum length, for <see cref="TextDataOptions.PadToMaxLength"/>)
/// makes batches at least that wide: fixed shapes.
/// </summary>
internal static class Padding
{
    public static TextBatch Pad<TRows>(TRows rows, int padId, int minWidth = 0) where TRows : struct, IBatchRows
    {
        int count = rows.Count;
        int width = minWidth;
        for (int r = 0; r < count; r++) width = Math.Max(width, rows.Row(r).Length);
        // Filled in managed memory and copied once into each tensor: one native allocation per tensor, not per row.
        var ids = new long[count * width];
        var mask = new long[count * width];
        if (padId != 0) Array.Fill(ids, padId);
        for (int r = 0; r < count; r++)
        {
            var source = rows.Row(r);
            var idRow = ids.AsSpan(r * width, source.Length);
            for (int t = 0; t < source.Length; t++) idRow[t] = source[t];
            mask.AsSpan(r * width, source.Length).Fill(1);
        }
        var shape = new long[] { count, width };
        return new TextBatch(tensor(ids, shape), tensor(mask, shape));
    }

    public static TextBatch Pad(IReadOnlyList<int[]> rows, int padId) => Pad(new ArrayRows(rows), padId);
}
