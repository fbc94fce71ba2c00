using System;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>Gives the ids of row <paramref name="index"/> of a batch.</summary>
internal delegate ReadOnlySpan<int> RowIds(int index);

/// <summary>
/// Dynamic padding: a batch is as wide as its own longest row, not the maximum length, so a batch of short reviews
/// costs short-review compute. A <c>minWidth</c> (the maximum length, for <see cref="TextDataOptions.PadToMaxLength"/>)
/// makes batches at least that wide: fixed shapes.
/// </summary>
internal static class Padding
{
    public static TextBatch Pad(int rows, RowIds row, int padId, int minWidth = 0)
    {
        int width = minWidth;
        for (int r = 0; r < rows; r++) width = Math.Max(width, row(r).Length);
        // Filled in managed memory and copied once into each tensor: one native allocation per tensor, not per row.
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        if (padId != 0) Array.Fill(ids, padId);
        for (int r = 0; r < rows; r++)
        {
            var source = row(r);
            int at = r * width;
            for (int t = 0; t < source.Length; t++)
            {
                ids[at + t] = source[t];
                mask[at + t] = 1;
            }
        }
        var shape = new long[] { rows, width };
        return new TextBatch(tensor(ids, shape), tensor(mask, shape));
    }

    public static TextBatch Pad(System.Collections.Generic.IReadOnlyList<int[]> rows, int padId)
        => Pad(rows.Count, r => rows[r], padId);
}
