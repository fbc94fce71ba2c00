using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Attune.Transformers;

/// <summary>
/// The shape and settings of a BERT encoder, as Hugging Face's <c>BertConfig</c> holds them in <c>config.json</c>.
/// Immutable: derive variants with <c>with</c>. Properties left out of a <c>config.json</c> take Hugging Face's defaults
/// (bert-base: 12 layers, hidden 768, …), so a file written by <c>transformers</c> means the same model here.
/// Read one with <see cref="Load"/> / <see cref="FromJson"/>, write one with <see cref="ToJson"/>.
/// </summary>
public sealed partial record BertConfig
{
    /// <summary><c>vocab_size</c>: rows of the word-embedding table.</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary><c>hidden_size</c>: the width H of every token's vector.</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary><c>num_hidden_layers</c>: transformer layers in the encoder.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary><c>num_attention_heads</c>: heads per attention layer; must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary><c>intermediate_size</c>: width of the feed-forward layer.</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary><c>hidden_act</c>: the feed-forward activation, as spelled in the file (see <see cref="Activation"/>).</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary><c>hidden_dropout_prob</c>: dropout after embeddings and after each sublayer.</summary>
    public double HiddenDropoutProb { get; init; } = 0.1;

    /// <summary><c>attention_probs_dropout_prob</c>: dropout on the attention weights.</summary>
    public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary><c>max_position_embeddings</c>: the longest sequence the model takes.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary><c>type_vocab_size</c>: token-type (segment) ids the model knows.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary><c>initializer_range</c>: standard deviation of freshly initialised weights (a new head).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary><c>layer_norm_eps</c>.</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary><c>pad_token_id</c>: the padding token, whose embedding receives no gradient.</summary>
    public int PadTokenId { get; init; }

    /// <summary><c>position_embedding_type</c>: only <c>"absolute"</c> (learned positions) is supported.</summary>
    public string PositionEmbeddingType { get; init; } = "absolute";

    /// <summary><c>classifier_dropout</c>: dropout before a classification head; null means <see cref="HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; init; }

    /// <summary><c>id2label</c>: a classifier's class names by index (empty for a plain encoder).</summary>
    public IReadOnlyDictionary<int, string> Id2Label { get; init; } = new Dictionary<int, string>();

    /// <summary><c>label2id</c>: the inverse of <see cref="Id2Label"/>, as the file gave it.</summary>
    public IReadOnlyDictionary<string, int> Label2Id { get; init; } = new Dictionary<string, int>();

    /// <summary>The activation <see cref="HiddenAct"/> names (it must be a supported one).</summary>
    public BertActivation Activation => BertActivations.ByName.TryGetValue(HiddenAct, out var a)
        ? a
        : throw new BertConfigException($"hidden_act \"{HiddenAct}\" is not supported; expected one of {BertActivations.Supported}.", field: "hidden_act");

    /// <summary>Width of one attention head: <see cref="HiddenSize"/> / <see cref="NumAttentionHeads"/>.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>
    /// all-MiniLM-L6-v2 (and other MiniLM-L6-H384 models): 6 layers, hidden 384, 12 heads of 32, intermediate 1536,
    /// the 30,522-token uncased BERT vocabulary, 512 positions, 2 token types, LayerNorm eps 1e-12, GELU (erf).
    /// </summary>
    public static BertConfig MiniLmL6 { get; } = new()
    {
        VocabSize = 30522,
        HiddenSize = 384,
        NumHiddenLayers = 6,
        NumAttentionHeads = 12,
        IntermediateSize = 1536,
        MaxPositionEmbeddings = 512,
        TypeVocabSize = 2,
        LayerNormEps = 1e-12,
        HiddenAct = "gelu",
    };

    /// <summary>
    /// Checks that a model can be built from this configuration; throws a <see cref="BertConfigException"/> naming every
    /// problem (<paramref name="source"/>, when given, says where the configuration came from).
    /// </summary>
    public BertConfig Validate(string? source = null)
    {
        var problems = new List<string>();
        void Positive(string name, int value)
        {
            if (value <= 0) problems.Add($"{name} is {value}, expected a positive integer");
        }
        void Probability(string name, double value)
        {
            if (!(value >= 0 && value < 1)) problems.Add($"{name} is {value.ToString(CultureInfo.InvariantCulture)}, expected a probability in [0, 1)");
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumHiddenLayers);
        Positive("num_attention_heads", NumAttentionHeads);
        Positive("intermediate_size", IntermediateSize);
        Positive("max_position_embeddings", MaxPositionEmbeddings);
        Positive("type_vocab_size", TypeVocabSize);
        if (HiddenSize > 0 && NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads != 0)
            problems.Add($"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}; expected hidden_size to be a multiple of the head count");
        if (!(LayerNormEps > 0)) problems.Add($"layer_norm_eps is {LayerNormEps.ToString(CultureInfo.InvariantCulture)}, expected a positive number");
        if (!(InitializerRange >= 0)) problems.Add($"initializer_range is {InitializerRange.ToString(CultureInfo.InvariantCulture)}, expected a non-negative number");
        Probability("hidden_dropout_prob", HiddenDropoutProb);
        Probability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        if (ClassifierDropout is { } cd) Probability("classifier_dropout", cd);
        if (!BertActivations.ByName.ContainsKey(HiddenAct))
            problems.Add($"hidden_act \"{HiddenAct}\" is not supported; expected one of {BertActivations.Supported}");
        if (PositionEmbeddingType != "absolute")
            problems.Add($"position_embedding_type \"{PositionEmbeddingType}\" is not supported; expected \"absolute\"");
        if (PadTokenId < 0 || (VocabSize > 0 && PadTokenId >= VocabSize))
            problems.Add($"pad_token_id {PadTokenId} is outside the vocabulary [0, {VocabSize})");
        if (Id2Label.Keys.Any(k => k < 0))
            problems.Add($"id2label has a negative class index ({Id2Label.Keys.Min()})");

        if (problems.Count > 0)
        {
            string where = source is null ? "The BERT configuration" : $"The BERT configuration {source}";
            throw new BertConfigException($"{where} cannot build a model: {string.Join("; ", problems)}.", source,
                problems.Count == 1 ? FieldOf(problems[0]) : null);
        }
        return this;
    }

    private static string FieldOf(string problem) => problem.Split(' ', 2)[0];

    /// <summary>The number of classes <see cref="Id2Label"/> describes (0 when it is empty).</summary>
    public int NumLabels => Id2Label.Count == 0 ? 0 : Id2Label.Keys.Max() + 1;

    /// <summary>Equal when every setting and both label maps are equal (the maps by content).</summary>
    public bool Equals(BertConfig? other)
        => other is not null
           && VocabSize == other.VocabSize && HiddenSize == other.HiddenSize && NumHiddenLayers == other.NumHiddenLayers
           && NumAttentionHeads == other.NumAttentionHeads && IntermediateSize == other.IntermediateSize
           && HiddenAct == other.HiddenAct && HiddenDropoutProb.Equals(other.HiddenDropoutProb)
           && AttentionProbsDropoutProb.Equals(other.AttentionProbsDropoutProb)
           && MaxPositionEmbeddings == other.MaxPositionEmbeddings && TypeVocabSize == other.TypeVocabSize
           && InitializerRange.Equals(other.InitializerRange) && LayerNormEps.Equals(other.LayerNormEps)
           && PadTokenId == other.PadTokenId && PositionEmbeddingType == other.PositionEmbeddingType
           && ClassifierDropout.Equals(other.ClassifierDropout)
           && SameMap(Id2Label, other.Id2Label) && SameMap(Label2Id, other.Label2Id);

    public override int GetHashCode()
        => HashCode.Combine(VocabSize, HiddenSize, NumHiddenLayers, NumAttentionHeads, IntermediateSize, HiddenAct, Id2Label.Count);

    private static bool SameMap<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> a, IReadOnlyDictionary<TKey, TValue> b)
        => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && EqualityComparer<TValue>.Default.Equals(kv.Value, v));
}
