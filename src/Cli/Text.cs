using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Attune.Cli;

/// <summary>How values look in the tool's text output: invariant numbers, UTC times, aligned tables.</summary>
internal static class Text
{
    public static string Number(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "-";

    /// <summary>A parameter in a table: floats to six significant digits so rows stay readable (show, --json and
    /// export keep every digit); "-" for an inactive one.</summary>
    public static string Parameter(Attune.Search.ParameterSpec? spec, string? text)
        => text is null ? "-"
         : spec is { Kind: Attune.Search.ParameterKind.Float } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? Number(v)
         : text;

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? duration)
        => duration is not { } d ? "-"
         : d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
         : d.TotalHours < 1 ? $"{(int)d.TotalMinutes}m{d.Seconds:00}s"
         : $"{(int)d.TotalHours}h{d.Minutes:00}m{d.Seconds:00}s";

    public static string Bytes(long bytes)
        => bytes < 1024 ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
         : bytes < 1024 * 1024 ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
         : bytes < 1024L * 1024 * 1024 ? (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
         : (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>One line, at most <paramref name="max"/> characters: tables stay one row per trial.</summary>
    public static string Short(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return "";
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    /// <summary>Columns padded to their widest cell, two spaces apart; the last column is not padded.</summary>
    public static void Table(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        foreach (var row in all)
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }
}
