using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Attune.Transformers;

/// <summary>What an ONNX export's weight shapes say about the architecture, compared with a <see cref="BertConfig"/>.</summary>
internal static partial class OnnxArchitecture
{
    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerKey();

    /// <summary>Each setting the shapes reveal that differs from the configuration, as "name: config X, file Y".</summary>
    public static List<string> Differences(BertConfig config, OnnxWeights weights)
    {
        var d = new List<string>();
        void Check(string name, long expected, long? found, string from)
        {
            if (found is { } f && f != expected) d.Add($"{name}: the configuration says {expected}, the file has {f} ({from})");
        }
        long? Dim(string key, int axis) => weights.Named.TryGetValue(key, out var w) && w.Shape.Length > axis ? w.Shape[axis] : null;

        Check("vocab_size", config.VocabSize, Dim("embeddings.word_embeddings.weight", 0), "rows of embeddings.word_embeddings.weight");
        Check("hidden_size", config.HiddenSize, Dim("embeddings.word_embeddings.weight", 1), "columns of embeddings.word_embeddings.weight");
        Check("max_position_embeddings", config.MaxPositionEmbeddings, Dim("embeddings.position_embeddings.weight", 0), "rows of embeddings.position_embeddings.weight");
        Check("type_vocab_size", config.TypeVocabSize, Dim("embeddings.token_type_embeddings.weight", 0), "rows of embeddings.token_type_embeddings.weight");
        Check("intermediate_size", config.IntermediateSize, Dim("encoder.layer.0.intermediate.dense.bias", 0), "length of encoder.layer.0.intermediate.dense.bias");
        var layers = weights.Named.Keys.Select(k => LayerKey().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        if (layers.Count > 0) Check("num_hidden_layers", config.NumHiddenLayers, layers.Max() + 1, "encoder.layer.{i} indices");
        // The head count is not in any weight's shape (q, k, v are [H, H] whatever the split); Validate checks H % heads.
        return d;
    }
}
