using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Adapter files: the adapters alone (kilobytes to megabytes, not the base model) as safetensors. Tensor names are the
/// model's own state-dict names ("encoder.0.lora_A", "encoder.0.lora_B"); the <c>__metadata__</c> entry
/// "attune.lora" holds each adapted layer's rank, alpha and dropout as JSON, so a file can be loaded into a fresh model.
/// </summary>
public static class LoraFiles
{
    /// <summary>The metadata key holding the adapters' settings.</summary>
    public const string MetadataKey = "attune.lora";

    private sealed record Settings(int Rank, double Alpha, double Dropout);

    /// <summary>Writes every adapter of <paramref name="model"/> (atomically, via <see cref="SafeTensors.Write"/>).</summary>
    /// <exception cref="InvalidOperationException">The model has no adapters, or one is merged (its weights are then
    /// part of the base weight as well; unmerge first so the file and the model agree on what the adapter is).</exception>
    public static void SaveLoraAdapters(this nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var adapters = model.LoraAdapters();
        if (adapters.Count == 0)
            throw new InvalidOperationException($"Cannot save LoRA adapters of {model.GetType().Name}: it has none; expected [Lora] fields or AttachLora(...) first.");
        var tensors = new List<(string, Tensor)>();
        var settings = new SortedDictionary<string, Settings>(StringComparer.Ordinal);
        foreach (var (name, adapter) in adapters)
        {
            tensors.Add((Key(name, LoraAdapter.AName), adapter.A));
            tensors.Add((Key(name, LoraAdapter.BName), adapter.B));
            settings[name] = new Settings(adapter.Rank, adapter.Alpha, adapter.Spec.Dropout);
        }
        SafeTensors.Write(path, tensors, new Dictionary<string, string>
        {
            [MetadataKey] = JsonSerializer.Serialize(settings),
        });
    }

    /// <summary>
    /// Loads adapters saved by <see cref="SaveLoraAdapters"/>. A model without adapters gets them attached first, from
    /// the file's settings (each named layer must be a Linear of the model); a model with adapters must have exactly the
    /// file's layers, ranks, alphas, dropouts, shapes and dtypes. Every problem is listed before anything is written.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="PretrainedLoadException">The file is not a readable adapter file, or does not match the model.</exception>
    public static PretrainedLoadReport LoadLoraAdapters(this nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"LoRA adapter file not found: {fullPath}", fullPath);
        SafeTensorsFile file;
        try { file = SafeTensors.Read(fullPath); }
        catch (SafeTensorsFormatException ex) { throw Fail(fullPath, ex.Message, ex); }

        var settings = ReadSettings(file);
        string modelName = model.GetType().Name;
        var adapters = model.LoraAdapters();
        if (adapters.Count == 0)
            adapters = AttachFromFile(model, fullPath, settings);

        var byName = adapters.ToDictionary(a => a.Name, a => a.Adapter, StringComparer.Ordinal);
        var missing = byName.Keys.Where(n => !settings.ContainsKey(n)).ToList();
        var unexpected = settings.Keys.Where(n => !byName.ContainsKey(n)).ToList();
        var problems = new List<string>();
        var merged = adapters.Where(a => a.Adapter.Merged).Select(a => a.Name).ToList();
        if (merged.Count > 0)
            problems.Add($"the adapters of {string.Join(", ", merged)} are merged into their base weights (call UnmergeLora() first)");
        var toLoad = new List<(string Key, SafeTensorEntry Entry, Tensor Target)>();
        foreach (var (name, adapter) in adapters)
        {
            if (!settings.TryGetValue(name, out var s)) continue;
            if (s.Rank != adapter.Rank || !s.Alpha.Equals(adapter.Alpha) || !s.Dropout.Equals(adapter.Spec.Dropout))
                problems.Add(string.Format(CultureInfo.InvariantCulture, "'{0}': the file has rank {1}, alpha {2}, dropout {3}; the model has {4}",
                    name, s.Rank, s.Alpha, s.Dropout, adapter.Spec.Describe()));
            foreach (var (suffix, target) in new[] { (LoraAdapter.AName, (Tensor)adapter.A), (LoraAdapter.BName, adapter.B) })
            {
                string key = Key(name, suffix);
                if (!file.TryGetEntry(key, out var entry)) { problems.Add($"'{key}' is listed in the metadata but has no tensor"); continue; }
                if (!target.shape.AsSpan().SequenceEqual(entry.Shape) || target.dtype != entry.ScalarType)
                    problems.Add($"'{key}': the file has {Shapes.Format(entry.Shape)} {entry.DType}, the model has {Shapes.Describe(target)}");
                else toLoad.Add((key, entry, target));
            }
        }
        var expectedKeys = new HashSet<string>(settings.Keys.SelectMany(n => new[] { Key(n, LoraAdapter.AName), Key(n, LoraAdapter.BName) }), StringComparer.Ordinal);
        foreach (var entry in file.Entries.Where(e => !expectedKeys.Contains(e.Name)))
            problems.Add($"'{entry.Name}' is a tensor that no adapter in the metadata owns");
        if (missing.Count > 0)
            problems.Add($"the model's adapters {string.Join(", ", missing)} are not in the file");
        if (unexpected.Count > 0)
            problems.Add($"the file's adapters {string.Join(", ", unexpected)} are not in the model (its adapters: {string.Join(", ", byName.Keys)})");
        if (problems.Count > 0)
            throw new PretrainedLoadException(
                $"The LoRA adapters in {fullPath} do not match {modelName}: {problems.Count} problem(s): {string.Join("; ", problems)}. Expected the same adapted layers with the same rank, alpha, dropout, shapes and dtypes; nothing was loaded.",
                fullPath, missing, unexpected);

        try
        {
            file.CopyInto(toLoad.Select(t => (t.Entry, t.Target)));
        }
        catch (SafeTensorsFormatException ex)
        {
            throw Fail(fullPath, ex.Message + " Some adapter weights may already have been copied.", ex);
        }
        return new PretrainedLoadReport(fullPath, toLoad.Select(t => t.Key).ToList(), Array.Empty<string>(), missing, unexpected);
    }

    private static Dictionary<string, Settings> ReadSettings(SafeTensorsFile file)
    {
        if (!file.Metadata.TryGetValue(MetadataKey, out var json))
            throw Fail(file.Path, $"it is a safetensors file but not a LoRA adapter file: its metadata has no '{MetadataKey}' entry (write adapter files with SaveLoraAdapters; load whole models with LoadSafeTensors).");
        try
        {
            var settings = JsonSerializer.Deserialize<Dictionary<string, Settings>>(json);
            if (settings is null || settings.Count == 0)
                throw Fail(file.Path, $"its '{MetadataKey}' metadata lists no adapters.");
            return new Dictionary<string, Settings>(settings, StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw Fail(file.Path, $"its '{MetadataKey}' metadata is not the expected JSON object of {{\"layer\": {{\"Rank\":…,\"Alpha\":…,\"Dropout\":…}}}}: {ex.Message}", ex);
        }
    }

    private static IReadOnlyList<(string Name, LoraAdapter Adapter)> AttachFromFile(nn.Module model, string fullPath, Dictionary<string, Settings> settings)
    {
        var linears = model.named_modules().Where(m => m.module is Linear).ToDictionary(m => m.name, m => (Linear)m.module, StringComparer.Ordinal);
        var absent = settings.Keys.Where(n => !linears.ContainsKey(n)).ToList();
        if (absent.Count > 0)
            throw new PretrainedLoadException(
                $"The LoRA adapters in {fullPath} do not fit {model.GetType().Name}: no Linear layer named {string.Join(", ", absent.Select(n => $"'{n}'"))}; its Linear layers are: {Lora.LinearNames(model)}. Nothing was attached.",
                fullPath, Array.Empty<string>(), absent);
        var specs = new Dictionary<string, LoraSpec>(StringComparer.Ordinal);
        foreach (var (name, s) in settings)
        {
            try { specs[name] = new LoraSpec(s.Rank, s.Alpha, s.Dropout); }
            catch (ArgumentException ex) { throw Fail(fullPath, $"the settings of '{name}' are invalid: {ex.Message}", ex); }
        }
        foreach (var (name, spec) in specs)
            LoraAdapter.Attach(linears[name], name, spec);
        return model.LoraAdapters();
    }

    private static string Key(string layer, string parameter) => layer.Length == 0 ? parameter : layer + "." + parameter;

    private static PretrainedLoadException Fail(string path, string why, Exception? inner = null)
        => new($"Cannot load LoRA adapters from {path}: {why}", path, Array.Empty<string>(), Array.Empty<string>(), inner);
}
