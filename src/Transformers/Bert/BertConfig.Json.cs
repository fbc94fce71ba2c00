using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Attune.Transformers;

public sealed partial record BertConfig
{
    /// <summary>The fields that set the model (each read into a property).</summary>
    private static readonly string[] s_modelFields =
    [
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
        "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size",
        "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "classifier_dropout",
        "id2label", "label2id", "num_labels", "model_type",
    ];

    /// <summary>
    /// Fields Hugging Face writes that do not change an encoder's forward pass (bookkeeping, generation and training
    /// switches, tokenizer hints): accepted and dropped. Anything else is refused, because silently ignoring a setting
    /// that changes the model (say <c>"position_embedding_type"</c>'s relatives or a new activation) gives wrong outputs
    /// without a word.
    /// </summary>
    private static readonly HashSet<string> s_harmlessFields = new(StringComparer.Ordinal)
    {
        "architectures", "transformers_version", "torch_dtype", "dtype", "_name_or_path", "name_or_path",
        "gradient_checkpointing", "use_cache", "chunk_size_feed_forward", "output_attentions", "output_hidden_states",
        "return_dict", "torchscript", "use_bfloat16", "pruned_heads", "tie_word_embeddings", "is_decoder",
        "add_cross_attention", "is_encoder_decoder", "cross_attention_hidden_size", "tie_encoder_decoder",
        "bos_token_id", "eos_token_id", "sep_token_id", "decoder_start_token_id", "problem_type", "finetuning_task",
        "tokenizer_class", "prefix", "task_specific_params", "directionality", "pooler_fc_size", "pooler_num_attention_heads",
        "pooler_num_fc_layers", "pooler_size_per_head", "pooler_type", "max_length", "min_length", "do_sample",
        "early_stopping", "num_beams", "num_beam_groups", "diversity_penalty", "temperature", "top_k", "top_p",
        "typical_p", "repetition_penalty", "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size",
        "bad_words_ids", "num_return_sequences", "output_scores", "return_dict_in_generate", "forced_bos_token_id",
        "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty", "suppress_tokens",
        "begin_suppress_tokens", "tf_legacy_loss",
    };

    /// <summary>Reads a Hugging Face <c>config.json</c>; see <see cref="FromJson"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="BertConfigException">The file is not a BERT configuration Attune supports.</exception>
    public static BertConfig Load(string path, bool ignoreUnknownFields = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"BERT configuration file not found: {full}", full);
        return FromJson(File.ReadAllText(full, Encoding.UTF8), full, ignoreUnknownFields);
    }

    /// <summary>
    /// Parses a Hugging Face BERT <c>config.json</c>. Missing fields take Hugging Face's defaults; fields known not to
    /// change the forward pass are accepted; an unknown field is an error naming it (pass
    /// <paramref name="ignoreUnknownFields"/> to drop such fields instead). The result is validated.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Where it came from, for error messages (a path).</param>
    /// <param name="ignoreUnknownFields">Drop fields this reader does not know instead of refusing the file.</param>
    /// <exception cref="BertConfigException">Invalid JSON, a field of the wrong type, an unknown field, an unsupported
    /// setting, or sizes that do not fit together.</exception>
    public static BertConfig FromJson(string json, string? source = null, bool ignoreUnknownFields = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        string where = source is null ? "the BERT configuration" : source;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new BertConfigException($"{Capital(where)} is not valid JSON: {ex.Message}", source, inner: ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new BertConfigException($"{Capital(where)} is a JSON {root.ValueKind}, expected an object of Hugging Face BertConfig fields.", source);

            var config = new BertConfig();
            int? numLabels = null;
            foreach (var p in root.EnumerateObject())
            {
                var v = p.Value;
                switch (p.Name)
                {
                    case "vocab_size": config = config with { VocabSize = Int(p, where, source) }; break;
                    case "hidden_size": config = config with { HiddenSize = Int(p, where, source) }; break;
                    case "num_hidden_layers": config = config with { NumHiddenLayers = Int(p, where, source) }; break;
                    case "num_attention_heads": config = config with { NumAttentionHeads = Int(p, where, source) }; break;
                    case "intermediate_size": config = config with { IntermediateSize = Int(p, where, source) }; break;
                    case "max_position_embeddings": config = config with { MaxPositionEmbeddings = Int(p, where, source) }; break;
                    case "type_vocab_size": config = config with { TypeVocabSize = Int(p, where, source) }; break;
                    case "pad_token_id": config = config with { PadTokenId = v.ValueKind == JsonValueKind.Null ? 0 : Int(p, where, source) }; break;
                    case "hidden_dropout_prob": config = config with { HiddenDropoutProb = Number(p, where, source) }; break;
                    case "attention_probs_dropout_prob": config = config with { AttentionProbsDropoutProb = Number(p, where, source) }; break;
                    case "initializer_range": config = config with { InitializerRange = Number(p, where, source) }; break;
                    case "layer_norm_eps": config = config with { LayerNormEps = Number(p, where, source) }; break;
                    case "classifier_dropout": config = config with { ClassifierDropout = v.ValueKind == JsonValueKind.Null ? null : Number(p, where, source) }; break;
                    case "hidden_act":
                        string act = Text(p, where, source);
                        if (!BertActivations.ByName.ContainsKey(act))
                            throw new BertConfigException($"{Capital(where)}: hidden_act \"{Clip(act)}\" is not supported; expected one of {BertActivations.Supported}.", source, "hidden_act");
                        config = config with { HiddenAct = act };
                        break;
                    case "position_embedding_type":
                        string pos = Text(p, where, source);
                        if (pos != "absolute")
                            throw new BertConfigException($"{Capital(where)}: position_embedding_type \"{Clip(pos)}\" is not supported; expected \"absolute\" (learned absolute positions).", source, "position_embedding_type");
                        config = config with { PositionEmbeddingType = pos };
                        break;
                    case "model_type":
                        string type = Text(p, where, source);
                        if (type != "bert")
                            throw new BertConfigException($"{Capital(where)}: model_type \"{Clip(type)}\" is not supported; expected \"bert\" (other families lay out their weights differently).", source, "model_type");
                        break;
                    case "id2label": config = config with { Id2Label = ReadId2Label(p, where, source) }; break;
                    case "label2id": config = config with { Label2Id = ReadLabel2Id(p, where, source) }; break;
                    case "num_labels": numLabels = Int(p, where, source); break;
                    default:
                        if (s_harmlessFields.Contains(p.Name) || ignoreUnknownFields) break;
                        throw new BertConfigException(
                            $"{Capital(where)} has the field \"{Clip(p.Name)}\", which Attune's BertConfig does not know. Supported fields: {string.Join(", ", s_modelFields)}; "
                            + "also accepted and ignored because they do not change the encoder: " + string.Join(", ", s_harmlessFields.OrderBy(f => f, StringComparer.Ordinal))
                            + ". Pass ignoreUnknownFields: true to drop unknown fields.", source, p.Name);
                }
            }
            // Hugging Face turns num_labels into LABEL_0..LABEL_{n-1} when no id2label is given.
            if (numLabels is { } n && config.Id2Label.Count == 0)
            {
                if (n < 0) throw new BertConfigException($"{Capital(where)}: num_labels is {n}, expected a non-negative integer.", source, "num_labels");
                config = config with { Id2Label = Enumerable.Range(0, n).ToDictionary(i => i, i => "LABEL_" + i.ToString(CultureInfo.InvariantCulture)) };
            }
            else if (numLabels is { } m && m != config.NumLabels)
                throw new BertConfigException($"{Capital(where)}: num_labels is {m} but id2label describes {config.NumLabels} classes.", source, "num_labels");
            return config.Validate(source);
        }
    }

    /// <summary>
    /// Writes this configuration as a Hugging Face <c>config.json</c> that <c>transformers.BertConfig.from_pretrained</c>
    /// reads back to the same settings (<c>model_type</c> "bert", snake_case fields, <c>id2label</c> keys as strings).
    /// </summary>
    /// <param name="architectures">The model classes the weights belong to, e.g. "BertModel" (Hugging Face's
    /// <c>architectures</c> field); null writes none.</param>
    public string ToJson(IEnumerable<string>? architectures = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (architectures is not null)
            {
                w.WriteStartArray("architectures");
                foreach (var a in architectures) w.WriteStringValue(a);
                w.WriteEndArray();
            }
            w.WriteString("model_type", "bert");
            w.WriteNumber("vocab_size", VocabSize);
            w.WriteNumber("hidden_size", HiddenSize);
            w.WriteNumber("num_hidden_layers", NumHiddenLayers);
            w.WriteNumber("num_attention_heads", NumAttentionHeads);
            w.WriteNumber("intermediate_size", IntermediateSize);
            w.WriteString("hidden_act", HiddenAct);
            w.WriteNumber("hidden_dropout_prob", HiddenDropoutProb);
            w.WriteNumber("attention_probs_dropout_prob", AttentionProbsDropoutProb);
            w.WriteNumber("max_position_embeddings", MaxPositionEmbeddings);
            w.WriteNumber("type_vocab_size", TypeVocabSize);
            w.WriteNumber("initializer_range", InitializerRange);
            w.WriteNumber("layer_norm_eps", LayerNormEps);
            w.WriteNumber("pad_token_id", PadTokenId);
            w.WriteString("position_embedding_type", PositionEmbeddingType);
            if (ClassifierDropout is { } cd) w.WriteNumber("classifier_dropout", cd);
            else w.WriteNull("classifier_dropout");
            if (Id2Label.Count > 0)
            {
                w.WriteStartObject("id2label");
                foreach (var (id, label) in Id2Label.OrderBy(kv => kv.Key)) w.WriteString(id.ToString(CultureInfo.InvariantCulture), label);
                w.WriteEndObject();
            }
            if (Label2Id.Count > 0)
            {
                w.WriteStartObject("label2id");
                foreach (var (label, id) in Label2Id.OrderBy(kv => kv.Value)) w.WriteNumber(label, id);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int Int(JsonProperty p, string where, string? source)
    {
        if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int n)) return n;
        throw new BertConfigException($"{Capital(where)}: {p.Name} is {Clip(p.Value.GetRawText())}, expected an integer.", source, p.Name);
    }

    private static double Number(JsonProperty p, string where, string? source)
    {
        if (p.Value.ValueKind == JsonValueKind.Number) return p.Value.GetDouble();
        throw new BertConfigException($"{Capital(where)}: {p.Name} is {Clip(p.Value.GetRawText())}, expected a number.", source, p.Name);
    }

    private static string Text(JsonProperty p, string where, string? source)
    {
        if (p.Value.ValueKind == JsonValueKind.String) return p.Value.GetString()!;
        throw new BertConfigException($"{Capital(where)}: {p.Name} is {Clip(p.Value.GetRawText())}, expected a string.", source, p.Name);
    }

    private static Dictionary<int, string> ReadId2Label(JsonProperty p, string where, string? source)
    {
        if (p.Value.ValueKind != JsonValueKind.Object)
            throw new BertConfigException($"{Capital(where)}: id2label is a JSON {p.Value.ValueKind}, expected an object mapping class indices (\"0\", \"1\", …) to names.", source, p.Name);
        var map = new Dictionary<int, string>();
        foreach (var item in p.Value.EnumerateObject())
        {
            // JSON keys are strings; Hugging Face turns them back into ints.
            if (!int.TryParse(item.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new BertConfigException($"{Capital(where)}: id2label has the key \"{Clip(item.Name)}\", expected a class index (a non-negative integer).", source, p.Name);
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new BertConfigException($"{Capital(where)}: id2label[\"{id}\"] is {Clip(item.Value.GetRawText())}, expected a string.", source, p.Name);
            if (!map.TryAdd(id, item.Value.GetString()!))
                throw new BertConfigException($"{Capital(where)}: id2label has the class index {id} twice.", source, p.Name);
        }
        return map;
    }

    private static Dictionary<string, int> ReadLabel2Id(JsonProperty p, string where, string? source)
    {
        if (p.Value.ValueKind != JsonValueKind.Object)
            throw new BertConfigException($"{Capital(where)}: label2id is a JSON {p.Value.ValueKind}, expected an object mapping class names to indices.", source, p.Name);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in p.Value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.Number || !item.Value.TryGetInt32(out int id))
                throw new BertConfigException($"{Capital(where)}: label2id[\"{Clip(item.Name)}\"] is {Clip(item.Value.GetRawText())}, expected a class index.", source, p.Name);
            if (!map.TryAdd(item.Name, id))
                throw new BertConfigException($"{Capital(where)}: label2id has the label \"{Clip(item.Name)}\" twice.", source, p.Name);
        }
        return map;
    }

    private static string Capital(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;

    /// <summary>Keeps messages readable when a file holds something huge where a name or number belongs.</summary>
    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
