using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Attune.Search;

/// <summary>Writes a sweep's trials for other tools: CSV and JSON, parameters with their natural values.</summary>
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
        var space = T.Space;
        var text = new StringBuilder();
        text.AppendJoin(',', new[] { "number", "state", "value", "duration_seconds" }.Concat(space.Parameters.Select(p => p.Name)).Append("error").Select(Quote)).Append("\r\n");
        foreach (var trial in result.Trials)
        {
            double[] values = trial.Parameters.Encode();
            var cells = new List<string>
            {
                trial.Number.ToString(CultureInfo.InvariantCulture),
                trial.State.ToString(),
                trial.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                trial.Duration?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) ?? "",
            };
            for (int i = 0; i < space.Parameters.Count; i++)
                cells.Add(space.IsActive(i, values) ? StudyCodec.NaturalText(space.Parameters[i], values[i]) : "");
            cells.Add(trial.Error ?? "");
            text.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }
        StudyCodec.WriteAtomically(path, stream =>
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
            stream.Write(bytes);
        });
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
        var space = T.Space;
        StudyCodec.WriteAtomically(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartArray();
            foreach (var trial in result.Trials)
            {
                double[] values = trial.Parameters.Encode();
                json.WriteStartObject();
                json.WriteNumber("number", trial.Number);
                json.WriteString("state", trial.State.ToString());
                WriteNumberOrNull(json, "value", trial.Value);
                WriteNumberOrNull(json, "duration_seconds", trial.Duration is { } d ? Math.Round(d.TotalSeconds, 3) : null);
                json.WriteStartObject("params");
                for (int i = 0; i < space.Parameters.Count; i++)
                {
                    json.WritePropertyName(space.Parameters[i].Name);
                    StudyCodec.WriteNaturalValue(json, space.Parameters[i], space.IsActive(i, values) ? values[i] : double.NaN);
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
        });
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static string Quote(string cell)
        => cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
