using System;

namespace Attune.Transformers;

/// <summary>
/// Text data that cannot be used as given: an empty text, an unknown label, a missing column, an empty file. The
/// message says what was expected, what was found and where; the properties hold the same place for code.
/// </summary>
public sealed class TextDataException : Exception
{
    internal TextDataException(string message, string source, int? row = null, int? line = null, string? column = null, Exception? inner = null)
        : base(message, inner)
    {
        DataSource = source;
        Row = row;
        Line = line;
        Column = column;
    }

    /// <summary>The file (or the name given to in-memory rows) the problem is in.</summary>
    public string DataSource { get; }

    /// <summary>The 1-based data row (the header not counted), when the problem is in one row.</summary>
    public int? Row { get; }

    /// <summary>The 1-based line of the file where that row starts (quoted line breaks counted), for files.</summary>
    public int? Line { get; }

    /// <summary>The column, when the problem is in one.</summary>
    public string? Column { get; }
}
