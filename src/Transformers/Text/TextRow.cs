namespace Attune.Transformers;

/// <summary>One labelled text as read, with where it came from, so that errors can point at it.</summary>
internal readonly record struct TextRow(string? Text, string? Label, int Row, int? Line)
{
    /// <summary><c>reviews.csv line 12 (row 11)</c>, or <c>rows, row 11</c> for rows without lines.</summary>
    public string Where(string source) => Line is int line ? $"{source} line {line} (data row {Row})" : $"{source}, row {Row} (1-based)";
}
