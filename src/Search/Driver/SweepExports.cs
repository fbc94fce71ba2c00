using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Attune.Search;

/// <summary>Writes a sweep's trials for other tools: CSV and JSON, parameters with their natural values. A typed
/// <see cref="SweepResult{T}"/> and an untyped <see cref="StoredStudy"/> (the <c>attune export</c> command) go through
/// the same writers, so the two can never differ.</summary>
public static class SweepExports
{
    /// <summary>
    /// Writes one CSV row per trial: <c>number,state,value,duration_seconds,</c> one column per parameter (natural value;
    /// empty when inactive), <c>error</c>. Invariant culture; RFC 4180 quoting. The file is replaced atomically.
    /// </summary>
    public static void ExportCsv<T>(this SweepResult<T> result, string path) where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(path);
        StudyCodec.WriteAtomically(path, stream => WriteCsv(stream, T.Space, Rows(result)));
    }

    /// <summary>
    /// Writes a JSON array with one object per trial: <c>number</c>, <c>state</c>, <c>value</c>,
    /// <c>duration_seconds</c>, <c>params</c> (natural values; null when inactive), <c>intermediate</c> (step → value)
    /// and <c>error</c>. The file is replaced atomically.
    /// </summary>
    public static void ExportJson<T>(this SweepResult<T> result, string path) where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(path);
        StudyCodec.WriteAtomically(path, stream => WriteJson(stream, T.Space, Rows(result)));
    }

    /// <summary>As <see cref="ExportCsv{T}"/>, for a study read without its type; the file is replaced atomically.</summary>
    /// <exception cref="InvalidOperationException">The study's stored space text could not be rebuilt (<see cref="StoredStudy.Space"/> is null).</exception>
    public static void ExportCsv(this StoredStudy study, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var space = SpaceOf(study);
        StudyCodec.WriteAtomically(path, stream => WriteCsv(stream, space, Rows(study)));
    }

    /// <summary>As <see cref="ExportJson{T}"/>, for a study read without its type; the file is replaced atomically.</summary>
    /// <exception cref="InvalidOperationException">The study's stored space text could not be rebuilt.</exception>
    public static void ExportJson(this StoredStudy study, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var space = SpaceOf(study);
        StudyCodec.WriteAtomically(path, stream => WriteJson(stream, space, Rows(study)));
    }

    /// <summary>The CSV of <see cref="ExportCsv(StoredStudy, string)"/> into a stream (standard output, say); the stream is left open.</summary>
    public static void WriteCsv(this StoredStudy study, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteCsv(stream, SpaceOf(study), Rows(study));
    }

    /// <summary>The JSON of <see cref="ExportJson(StoredStudy, string)"/> into a stream; the stream is left open.</summary>
    public static void WriteJson(this StoredStudy study, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteJson(stream, SpaceOf(study), Rows(study));
    }

    /// <summary>One trial as the writers need it: internal values, whichever view it came from.</summary>
    private readonly record struct Row(int Number, TrialState State, double? Value, TimeSpan? Duration, IReadOnlyList<double> Values,
        IReadOnlyDictionary<int, double> Intermediate, string? Error);

    private static IEnumerable<Row> Rows<T>(SweepResult<T> result) where T : ITuneSpace<T>
        => result.Trials.Select(t => new Row(t.Number, t.State, t.Value, t.Duration, t.Parameters.Encode(), t.Intermediate, t.Error));

    private static IEnumerable<Row> Rows(StoredStudy study)
        => study.Trials.Select(t => new Row(t.Number, t.State, t.Value, StoredStudy.Duration(t), t.Values, t.Intermediate, t.Error));

    private static SearchSpace SpaceOf(StoredStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return study.Space ?? throw new InvalidOperationException(
            $"Study '{study.Name}' in {study.Location} stores a space text that does not read back into a space with its fingerprint {study.Info.Fingerprint} " +
            "so its parameters' natural values are unknown. Export it from the program that ran it (SweepResult<T>.ExportCsv/ExportJson).");
    }

    private static void WriteCsv(Stream stream, SearchSpace space, IEnumerable<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', new[] { "number", "state", "value", "duration_seconds" }.Concat(space.Parameters.Select(p => p.Name)).Append("error").Select(Quote)).Append("\r\n");
        foreach (var trial in rows)
        {
            var cells = new List<string>
            {
                trial.Number.ToString(CultureInfo.InvariantCulture),
                trial.State.ToString(),
                trial.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                trial.Duration?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) ?? "",
            };
            for (int i = 0; i < space.Parameters.Count; i++)
                cells.Add(space.IsActive(i, trial.Values) ? StudyCodec.NaturalText(space.Parameters[i], trial.Values[i]) : "");
            cells.Add(trial.Error ?? "");
            text.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }
        stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString()));
    }

    private static void WriteJson(Stream stream, SearchSpace space, IEnumerable<Row> rows)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var trial in rows)
        {
            json.WriteStartObject();
            json.WriteNumber("number", trial.Number);
            json.WriteString("state", trial.State.ToString());
            WriteNumberOrNull(json, "value", trial.Value);
            WriteNumberOrNull(json, "duration_seconds", trial.Duration is { } d ? Math.Round(d.TotalSeconds, 3) : null);
            json.WriteStartObject("params");
            for (int i = 0; i < space.Parameters.Count; i++)
            {
                json.WritePropertyName(space.Parameters[i].Name);
                StudyCodec.WriteNaturalValue(json, space.Parameters[i], space.IsActive(i, trial.Values) ? trial.Values[i] : double.NaN);
            }
            json.WriteEndObject();
            json.WriteStartObject("intermediate");
            foreach (var (step, v) in trial.Intermediate.OrderBy(kv => kv.Key))
                WriteNumberOrNull(json, step.ToString(CultureInfo.InvariantCulture), v);
            json.WriteEndObject();
            if (trial.Error is null) json.WriteNull("error"); else json.WriteString("error", trial.Error);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static string Quote(string cell)
        => cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
