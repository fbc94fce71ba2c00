using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Attune.Transformers;

/// <summary>
/// Token lengths of a text data set at its maximum length, <c>[CLS]</c> and <c>[SEP]</c> counted. Percentiles are
/// nearest-rank (the median of an even count is the lower middle value). Truncated rows are reported in
/// <see cref="Warnings"/>: a warning, not an error, since a classifier usually reads enough of a long text.
/// </summary>
public sealed record TextDataStatistics
{
    /// <summary>The number of rows.</summary>
    public required int Rows { get; init; }

    /// <summary>The maximum length the rows were cut to.</summary>
    public required int MaxLength { get; init; }

    /// <summary>Rows longer than <see cref="MaxLength"/>, which lost word pieces at the end.</summary>
    public required int TruncatedRows { get; init; }

    /// <summary><see cref="TruncatedRows"/> as a share of <see cref="Rows"/>.</summary>
    public double TruncatedShare => Rows == 0 ? 0 : (double)TruncatedRows / Rows;

    /// <summary>Tokens the model reads (after truncation), over all rows.</summary>
    public required long Tokens { get; init; }

    /// <summary>Mean row length after truncation.</summary>
    public double MeanLength => Rows == 0 ? 0 : (double)Tokens / Rows;

    /// <summary>Median row length after truncation.</summary>
    public required int MedianLength { get; init; }

    /// <summary>90th percentile of the row lengths after truncation.</summary>
    public required int P90Length { get; init; }

    /// <summary>The longest row after truncation (at most <see cref="MaxLength"/>).</summary>
    public required int LongestRow { get; init; }

    /// <summary>Median row length before truncation: how long the texts really are.</summary>
    public required int MedianFullLength { get; init; }

    /// <summary>90th percentile of the row lengths before truncation.</summary>
    public required int P90FullLength { get; init; }

    /// <summary>The longest row before truncation.</summary>
    public required int LongestFullRow { get; init; }

    /// <summary>Rows per label, by label name.</summary>
    public required IReadOnlyDictionary<string, int> RowsPerLabel { get; init; }

    /// <summary>What deserves a look: truncated rows, with how many and how long they were.</summary>
    public IReadOnlyList<string> Warnings => TruncatedRows == 0
        ? Array.Empty<string>()
        : new[]
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{TruncatedRows} of {Rows} rows ({TruncatedShare:P1}) are longer than the maximum length {MaxLength} and were truncated (the longest has {LongestFullRow} tokens; 90% have at most {P90FullLength})."),
        };

    internal static TextDataStatistics Of(TokenStore store, int maxLength, LabelMap labels)
    {
        var lengths = Enumerable.Range(0, store.Count).Select(store.Length).OrderBy(l => l).ToArray();
        var full = store.FullLengths.OrderBy(l => l).ToArray();
        return new TextDataStatistics
        {
            Rows = store.Count,
            MaxLength = maxLength,
            TruncatedRows = store.FullLengths.Count(l => l > maxLength),
            Tokens = store.Tokens,
            MedianLength = Percentile(lengths, 0.5),
            P90Length = Percentile(lengths, 0.9),
            LongestRow = lengths.Length == 0 ? 0 : lengths[^1],
            MedianFullLength = Percentile(full, 0.5),
            P90FullLength = Percentile(full, 0.9),
            LongestFullRow = full.Length == 0 ? 0 : full[^1],
            RowsPerLabel = labels.Names.ToDictionary(n => n, n => store.Labels.Count(l => l == labels.IndexOf(n))),
        };
    }

    // Nearest rank: the smallest value with at least p of the values at or below it.
    private static int Percentile(int[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"{Rows} rows ({string.Join(", ", RowsPerLabel.Select(kv => $"{kv.Key} {kv.Value}"))}), {Tokens} tokens at max length {MaxLength}: mean {MeanLength:F1}, median {MedianLength}, p90 {P90Length}, longest {LongestRow}; "
            + $"before truncation median {MedianFullLength}, p90 {P90FullLength}, longest {LongestFullRow}; truncated {TruncatedRows} ({TruncatedShare:P1})");
}
