using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// A Hugging Face model folder: <c>config.json</c> and <c>model.safetensors</c>, as <c>save_pretrained</c> writes it
/// and <c>from_pretrained</c> reads it. Loading maps the checkpoint's keys onto a module whose keys already follow
/// Hugging Face; the runtime's safetensors loader does the checks and the copying, so nothing is changed unless every
/// key and shape fits.
/// </summary>
internal static class HuggingFaceFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    /// <summary>Buffers some <c>transformers</c> versions saved that are not parameters (recomputed every forward here).</summary>
    private static readonly string[] s_derivedBuffers = ["embeddings.position_ids", "embeddings.token_type_ids"];

    public static BertConfig ReadConfig(string folder, bool ignoreUnknownFields = false)
    {
        string full = RequireFolder(folder);
        string path = Path.Combine(full, ConfigFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model folder {full} has no {ConfigFile}; expected a Hugging Face model folder (config.json + model.safetensors, as save_pretrained writes it).", path);
        return BertConfig.Load(path, ignoreUnknownFields);
    }

    /// <summary>
    /// Loads <paramref name="folder"/>'s weights into <paramref name="module"/>.
    /// </summary>
    /// <param name="module">A model with Hugging Face key names.</param>
    /// <param name="modelConfig">Its configuration, compared with the folder's.</param>
    /// <param name="folder">The Hugging Face folder.</param>
    /// <param name="encoderPrefix">Where the encoder's keys sit in <paramref name="module"/>: "" for a
    /// <see cref="BertModel"/>, "bert." for models that hold one in a field named <c>bert</c>. A checkpoint's keys
    /// are moved to it whether they carry a <c>bert.</c> prefix (BertFor* checkpoints) or not (BertModel ones).</param>
    /// <param name="optionalPrefixes">Parts of the module a checkpoint may lack (a task head, the pooler of a
    /// masked-LM checkpoint): when the checkpoint has none of their keys they stay as they are and are reported as
    /// skipped; when it has some, they must all fit.</param>
    /// <param name="skip">Module key prefixes the caller wants left alone.</param>
    public static PretrainedLoadReport Load(nn.Module module, BertConfig modelConfig, string folder, string encoderPrefix,
        IEnumerable<string> optionalPrefixes, IEnumerable<string>? skip)
    {
        string full = RequireFolder(folder);
        string weights = Path.Combine(full, WeightsFile);
        if (!File.Exists(weights))
        {
            string other = File.Exists(Path.Combine(full, "pytorch_model.bin")) ? " It has pytorch_model.bin, a pickle, which Attune does not read: convert it with safetensors (transformers' save_pretrained(..., safe_serialization=True))." : "";
            throw new FileNotFoundException($"The model folder {full} has no {WeightsFile}.{other}", weights);
        }
        var fileConfig = ReadConfig(full, ignoreUnknownFields: true);
        var differences = ArchitectureDifferences(modelConfig, fileConfig);
        if (differences.Count > 0)
            throw new PretrainedLoadException(
                $"The model folder {full} holds a different architecture than the model: {string.Join("; ", differences)}. Build the model from the folder's config.json (FromPretrained) or load a matching checkpoint.",
                weights, Array.Empty<string>(), Array.Empty<string>());

        var header = SafeTensors.Read(weights); // the header only; the data is read by the loader below
        var modelKeys = module.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        var topLevel = modelKeys.Select(k => k.Split('.', 2)[0]).ToHashSet(StringComparer.Ordinal);
        string encoderTop = encoderPrefix.TrimEnd('.');
        bool hasPooler = modelKeys.Any(k => k.StartsWith(encoderPrefix + "pooler.", StringComparison.Ordinal));

        string? Map(string fileKey)
        {
            // Normalise to the encoder's own names, then place them where this module keeps the encoder.
            string bare = fileKey.StartsWith("bert.", StringComparison.Ordinal) ? fileKey["bert.".Length..] : fileKey;
            if (s_derivedBuffers.Contains(bare)) return null;
            string first = bare.Split('.', 2)[0];
            bool encoderPart = first is "embeddings" or "encoder" or "pooler";
            // A model built without a pooler (addPoolingLayer: false) leaves a checkpoint's pooler out, reported.
            if (first == "pooler" && !hasPooler) return null;
            if (encoderPart) return encoderPrefix + bare;
            // Not the encoder: a key the module has under the same name (its own head), or a head it lacks
            // (cls.predictions.…, qa_outputs.…, another task's classifier), which is dropped and reported.
            if (modelKeys.Contains(fileKey)) return fileKey;
            return topLevel.Contains(first) && first != encoderTop ? fileKey : null;
        }

        var mappedFileKeys = header.Entries.Select(e => Map(e.Name)).Where(k => k is not null).ToHashSet(StringComparer.Ordinal);
        var leaveAlone = (skip ?? Array.Empty<string>()).ToList();
        foreach (var prefix in optionalPrefixes)
        {
            string p = prefix.TrimEnd('.');
            bool anyInFile = mappedFileKeys.Any(k => k == p || k!.StartsWith(p + ".", StringComparison.Ordinal));
            if (!anyInFile) leaveAlone.Add(p);
        }
        return module.LoadSafeTensors(weights, leaveAlone, strict: true, mapKey: Map);
    }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> (float32, contiguous, Hugging Face keys).</summary>
    public static void Save(nn.Module module, BertConfig config, string folder, string architecture)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        // transformers refuses a safetensors file whose metadata lacks format "pt" ("does not contain the valid metadata").
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        // A LoRA-adapted model saves as the plain checkpoint Hugging Face knows: its adapters must be merged into the
        // weights first (then the adapters' own tensors are left out); unmerged adapters would be lost silently.
        var adapters = module.LoraAdapters();
        var unmerged = adapters.Where(a => !a.Adapter.Merged).Select(a => a.Name).ToList();
        if (unmerged.Count > 0)
            throw new InvalidOperationException(
                $"The model has {unmerged.Count} LoRA adapters that are not merged ({string.Join(", ", unmerged.Take(3))}{(unmerged.Count > 3 ? ", …" : "")}); a Hugging Face checkpoint has no place for them. Call MergeLora() before saving (or SaveLoraAdapters to keep the adapters alone).");
        var adapterKeys = new HashSet<string>(adapters.SelectMany(a => new[] { a.Name + ".lora_A", a.Name + ".lora_B" }), StringComparer.Ordinal);
        SafeTensors.Write(Path.Combine(full, WeightsFile), module.state_dict().Where(kv => !adapterKeys.Contains(kv.Key)).Select(kv => (kv.Key, kv.Value)), metadata);
        string configPath = Path.Combine(full, ConfigFile);
        string temp = configPath + ".tmp";
        File.WriteAllText(temp, config.ToJson([architecture]) + "\n", new UTF8Encoding(false));
        File.Move(temp, configPath, overwrite: true);
    }

    /// <summary>Settings that change parameter shapes or the forward pass (dropout and labels do not).</summary>
    public static List<string> ArchitectureDifferences(BertConfig model, BertConfig file)
    {
        var d = new List<string>();
        void Check<T>(string name, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) d.Add($"{name}: the model has {a}, the folder's config.json has {b}");
        }
        Check("vocab_size", model.VocabSize, file.VocabSize);
        Check("hidden_size", model.HiddenSize, file.HiddenSize);
        Check("num_hidden_layers", model.NumHiddenLayers, file.NumHiddenLayers);
        Check("num_attention_heads", model.NumAttentionHeads, file.NumAttentionHeads);
        Check("intermediate_size", model.IntermediateSize, file.IntermediateSize);
        Check("max_position_embeddings", model.MaxPositionEmbeddings, file.MaxPositionEmbeddings);
        Check("type_vocab_size", model.TypeVocabSize, file.TypeVocabSize);
        Check("hidden_act", model.Activation, file.Activation);
        Check("layer_norm_eps", model.LayerNormEps, file.LayerNormEps);
        return d;
    }

    private static string RequireFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"Model folder not found: {full} (expected a Hugging Face model folder with {ConfigFile} and {WeightsFile}).");
        return full;
    }
}

/// <summary>Builds a model and fills it; a model whose filling fails is disposed, never handed out half-loaded.</summary>
internal static class LoadedModel
{
    public static T Create<T>(T model, Action<T> fill) where T : IDisposable
    {
        try
        {
            fill(model);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
