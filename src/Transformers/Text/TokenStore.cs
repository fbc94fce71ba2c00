using System;
using System.Collections.Generic;

namespace Attune.Transformers;

/// <summary>
/// The tokenized rows of a data set in three flat arrays: every row's ids one after another, where each row starts, and
/// each row's label index. Thousands of rows cost three managed arrays, not thousands of tensors (which would each hold
/// native memory and a handle), and a batch copies its rows straight into the one buffer its tensor is made from.
/// </summary>
internal sealed class TokenStore
{
    private readonly int[] _ids;
    private readonly int[] _offsets;

    public TokenStore(int[] ids, int[] offsets, int[] fullLengths, int[] labels)
    {
        _ids = ids;
        _offsets = offsets;
        FullLengths = fullLengths;
        Labels = labels;
    }

    public int Count => Labels.Length;

    /// <summary>The label index of each row.</summary>
    public int[] Labels { get; }

    /// <summary>Each row's length before truncation, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public int[] FullLengths { get; }

    public ReadOnlySpan<int> Row(int row) => _ids.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    public int Length(int row) => _offsets[row + 1] - _offsets[row];

    public long Tokens => _offsets[^1];

    public static TokenStore Build(IReadOnlyList<int[]> rows, IReadOnlyList<int> fullLengths, IReadOnlyList<int> labels)
    {
        var offsets = new int[rows.Count + 1];
        for (int r = 0; r < rows.Count; r++) offsets[r + 1] = checked(offsets[r] + rows[r].Length);
        var ids = new int[offsets[^1]];
        var full = new int[rows.Count];
        var label = new int[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(ids, offsets[r]);
            full[r] = fullLengths[r];
            label[r] = labels[r];
        }
        return new TokenStore(ids, offsets, full, label);
    }

    /// <summary>The given rows, in that order, copied into a store of their own.</summary>
    public TokenStore Subset(IReadOnlyList<int> rows)
    {
        var offsets = new int[rows.Count + 1];
        for (int i = 0; i < rows.Count; i++) offsets[i + 1] = offsets[i] + Length(rows[i]);
        var ids = new int[offsets[^1]];
        var full = new int[rows.Count];
        var labels = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            Row(rows[i]).CopyTo(ids.AsSpan(offsets[i]));
            full[i] = FullLengths[rows[i]];
            labels[i] = Labels[rows[i]];
        }
        return new TokenStore(ids, offsets, full, labels);
    }
}
