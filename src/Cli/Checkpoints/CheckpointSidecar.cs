using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Attune.Cli.Checkpoints;

/// <summary>The JSON beside best.bin and last.bin (Attune.FineTuning's Checkpoints writes it): which epoch's weights
/// the file holds and the metric they scored.</summary>
internal sealed record CheckpointSidecar(string Weights, string? Model, int? Epoch, string? Metric, string? Direction, double? Value, DateTimeOffset? SavedAt)
{
    /// <summary>Null when the sidecar is missing; a sidecar that is not JSON is an <see cref="InvalidDataException"/>.</summary>
    public static CheckpointSidecar? Read(string directory, string weightsFile)
    {
        string path = Path.Combine(directory, Path.ChangeExtension(weightsFile, ".json"));
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            string? S(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            double? D(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
            return new CheckpointSidecar(weightsFile, S("model"), D("epoch") is { } epoch ? (int)epoch : null, S("metric"), S("direction"), D("value"),
                S("savedAt") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not the JSON Attune writes beside {weightsFile}: {e.Message}", e);
        }
    }
}
