using System.Collections.Generic;
using System.IO;
using System.Linq;
using CsvHelper;

namespace Attune.Transformers;

/// <summary>
/// Reads (text, label) rows from a CSV file with CsvHelper: RFC 4180 quoting (reviews hold quotes, commas and line
/// breaks inside quoted fields), columns picked by header name, and the line each row starts on for error messages.
/// </summary>
internal static class CsvTextRows
{
    public static List<TextRow> Read(string path, TextDataOptions options)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The CSV file {path} does not exist; expected a header with columns '{options.TextColumn}' and '{options.LabelColumn}'.", path);
        if (new FileInfo(path).Length == 0)
            throw new TextDataException(
                $"{path} is empty: expected a header row with the columns '{options.TextColumn}' and '{options.LabelColumn}', then one row per example.", name);

        var csvOptions = CsvReaderOptions.Default with
        {
            Separator = options.Separator,
            HasHeader = true,
            TrackLineNumbers = true,
            // A stray quote would otherwise run a field on to the end of the file and silently merge rows.
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        var rows = new List<TextRow>();
        var headers = new List<string>();
        try
        {
            using var reader = CsvReader.FromFile(path, csvOptions);
            headers.AddRange(reader.Headers);
            if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
                throw new TextDataException(
                    $"{path} has no header row: expected the columns '{options.TextColumn}' and '{options.LabelColumn}'.", name, line: 1);
            int text = Column(reader, options.TextColumn, "text", path, name, headers);
            int label = Column(reader, options.LabelColumn, "label", path, name, headers);
            while (reader.Read())
            {
                int line = checked((int)reader.LineNumber);
                int row = checked((int)reader.RowNumber);
                int needed = System.Math.Max(text, label) + 1;
                if (reader.FieldCount < needed)
                    throw new TextDataException(
                        $"{name} line {line} (data row {row}) has {reader.FieldCount} field(s); expected at least {needed}, for the column '{(text >= label ? options.TextColumn : options.LabelColumn)}' (column {needed} of the header).",
                        name, row, line, text >= label ? options.TextColumn : options.LabelColumn);
                rows.Add(new TextRow(reader.GetString(text), reader.GetString(label), row, line));
            }
        }
        catch (CsvFormatException ex)
        {
            throw new TextDataException(
                $"{name} is not valid CSV near line {ex.LineNumber} (record {ex.RecordNumber}, header counted): {ex.Message}", name, line: (int)ex.LineNumber, inner: ex);
        }
        if (rows.Count == 0)
            throw new TextDataException(
                $"{path} has a header ({string.Join(", ", headers.Select(h => $"'{h}'"))}) but no data rows: expected one row per example.", name);
        return rows;
    }

    private static int Column(CsvReader reader, string column, string role, string path, string name, List<string> headers)
    {
        if (reader.TryGetFieldIndex(column, out int index)) return index;
        throw new TextDataException(
            $"{path} has no column '{column}' (the {role} column); the header holds {headers.Count} column(s): {string.Join(", ", headers.Select(h => $"'{h}'"))}. "
            + $"Set TextDataOptions.{(role == "text" ? "TextColumn" : "LabelColumn")} to one of them.",
            name, line: 1, column: column);
    }
}
