using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Attune.Search;

/// <summary>How studies are written down: internal values, natural parameter JSON, timestamps, space text.</summary>
internal static class StudyCodec
{
    /// <summary>The space's canonical text: one <see cref="ParameterSpec.Describe"/> line per parameter.</summary>
    public static string SpaceText(SearchSpace space)
    {
        var text = new StringBuilder();
        foreach (var p in space.Parameters) text.Append(p.Describe()).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// The space back from its stored text (<see cref="SpaceText"/>), for tools that read a study without its type;
    /// null unless every line parses and the rebuilt space has <paramref name="fingerprint"/>. A choice whose text holds
    /// ", " cannot be told from two choices here (nor by the fingerprint, a hash of the same text).
    /// </summary>
    public static SearchSpace? ParseSpace(string name, string spaceText, string fingerprint)
    {
        var parameters = new List<ParameterSpec>();
        foreach (string line in spaceText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseParameter(line) is not { } p) return null;
            parameters.Add(p);
        }
        try
        {
            var space = new SearchSpace(name, parameters);
            return space.Fingerprint == fingerprint ? space : null;
        }
        catch (ArgumentException) { return null; }
    }

    private static readonly System.Text.RegularExpressions.Regex ConditionSuffix = new(@"^(?<rest>.*) when (?<parent>\S+) in \{(?<indexes>[0-9, ]*)\}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private static readonly System.Text.RegularExpressions.Regex Range = new(@"^(?<kind>log-uniform|uniform|log-int|int) \[(?<low>[^,\]]+), (?<high>[^\]]+)\](?: step (?<step>\S+))?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static ParameterSpec? ParseParameter(string line)
    {
        int colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return null;
        string name = line[..colon], rest = line[(colon + 2)..];
        ParameterCondition? condition = null;
        if (ConditionSuffix.Match(rest) is { Success: true } c)
        {
            var indexes = c.Groups["indexes"].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList();
            condition = new ParameterCondition(c.Groups["parent"].Value, indexes);
            rest = c.Groups["rest"].Value;
        }
        if (rest.StartsWith("choice {", StringComparison.Ordinal) && rest.EndsWith('}'))
        {
            string inner = rest["choice {".Length..^1];
            return new ParameterSpec(name, ParameterKind.Categorical, Choices: inner.Split(", "), Condition: condition);
        }
        if (Range.Match(rest) is not { Success: true } r) return null;
        if (!double.TryParse(r.Groups["low"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            || !double.TryParse(r.Groups["high"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double high)) return null;
        string kind = r.Groups["kind"].Value;
        bool log = kind.StartsWith("log-", StringComparison.Ordinal);
        if (kind.EndsWith("uniform", StringComparison.Ordinal))
            return r.Groups["step"].Success ? null : new ParameterSpec(name, ParameterKind.Float, low, high, log, Condition: condition);
        if (!r.Groups["step"].Success || !double.TryParse(r.Groups["step"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double step)) return null;
        return new ParameterSpec(name, ParameterKind.Int, low, high, log, step, Condition: condition);
    }

    /// <summary>Internal values as a JSON array, NaN (an inactive parameter) as null.</summary>
    public static string ValuesJson(IReadOnlyList<double> values)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0) text.Append(',');
            double v = values[i];
            text.Append(double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "null");
        }
        return text.Append(']').ToString();
    }

    public static double[] ParseValues(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var values = new double[doc.RootElement.GetArrayLength()];
        int i = 0;
        foreach (var e in doc.RootElement.EnumerateArray()) values[i++] = e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;
        return values;
    }

    /// <summary>
    /// The parameters as a JSON object with natural types other tools can read: floats as numbers, ints as integers,
    /// categoricals as their choice (true/false as booleans, numeric choices as numbers, others as strings); an inactive
    /// parameter as null.
    /// </summary>
    public static string ParamsJson(SearchSpace space, IReadOnlyList<double> values)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (int i = 0; i < space.Parameters.Count; i++)
            {
                json.WritePropertyName(space.Parameters[i].Name);
                WriteNatural(json, space.Parameters[i], i < values.Count ? values[i] : double.NaN);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNatural(Utf8JsonWriter json, ParameterSpec p, double v)
    {
        if (!double.IsFinite(v)) { json.WriteNullValue(); return; }
        switch (p.Kind)
        {
            case ParameterKind.Int: json.WriteNumberValue((long)Math.Round(v)); break;
            case ParameterKind.Categorical:
                string? choice = Choice(p, v);
                if (choice is null) json.WriteNullValue();
                else if (choice is "true" or "false") json.WriteBooleanValue(choice == "true");
                else if (IsJsonNumber(choice)) json.WriteRawValue(choice);
                else json.WriteStringValue(choice);
                break;
            default: json.WriteNumberValue(v); break;
        }
    }

    /// <summary>The natural value as invariant text, for CSV: "" for an inactive parameter.</summary>
    public static string NaturalText(ParameterSpec p, double v)
    {
        if (!double.IsFinite(v)) return "";
        return p.Kind switch
        {
            ParameterKind.Int => ((long)Math.Round(v)).ToString(CultureInfo.InvariantCulture),
            ParameterKind.Categorical => Choice(p, v) ?? "",
            _ => v.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Writes the natural value of a parameter into a JSON writer (exports use this too).</summary>
    public static void WriteNaturalValue(Utf8JsonWriter json, ParameterSpec p, double v) => WriteNatural(json, p, v);

    private static string? Choice(ParameterSpec p, double v)
    {
        int index = (int)Math.Round(v);
        return p.Choices is { } choices && index >= 0 && index < choices.Count ? choices[index] : null;
    }

    private static bool IsJsonNumber(string text)
    {
        if (text.Length == 0 || !(char.IsDigit(text[0]) || text[0] == '-')) return false;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == Encoding.UTF8.GetByteCount(text);
        }
        catch (JsonException) { return false; }
    }

    /// <summary>UTC, millisecond precision, sortable as text (so "older than" is a plain comparison in SQL).</summary>
    /// <summary>Schema version 1 to 2, both storages: a Failed trial's kind from the prefix of its error, the only place
    /// version 1 kept it (and the same SQL text in SQLite and PostgreSQL).</summary>
    public const string FailureFromErrorSql = """
        UPDATE trials SET failure = CASE
            WHEN error LIKE 'abandoned:%' THEN 'Abandoned'
            WHEN error LIKE 'cancelled:%' THEN 'Cancelled'
            WHEN error LIKE 'timeout:%' THEN 'Timeout'
            ELSE 'Error' END
        WHERE state = 'Failed';
        """;

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Checks a stored study against the space and direction a sweep asks for.</summary>
    public static void CheckCompatible(StudyInfo study, SearchSpace space, Direction direction, string location)
    {
        if (study.Fingerprint != space.Fingerprint)
            throw new SpaceChangedException(study.Name, location, SpaceChangedException.Diff(study.SpaceText, space));
        if (study.Direction != direction)
            throw new InvalidOperationException(
                $"Study '{study.Name}' in {location} was created to {study.Direction}; this sweep asks to {direction}. " +
                $"Use SweepOptions.Direction = {study.Direction} to continue it, or a new study name (SweepOptions.StudyName) for the other direction.");
    }

    /// <summary>Replaces a file atomically: writes a temporary file next to it, then renames it over the target.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (Directory.Exists(full))
            throw new IOException($"Cannot export to '{full}': it is a directory; expected the path of a file (in it, or beside it).");
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            // The message of a failed write names the temporary file; say which export failed and that nothing was replaced.
            throw new IOException($"Could not write '{full}': {e.Message.Replace(temp, "a temporary file beside it", StringComparison.Ordinal)} " +
                "Nothing was replaced: an earlier file at that path is as it was.", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
