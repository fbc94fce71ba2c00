namespace Attune.Transformers.Tests;

/// <summary>config.json in and out: Hugging Face's fields, strict about what it does not know.</summary>
public class BertConfigTests
{
    // sentence-transformers/all-MiniLM-L6-v2's config.json as published.
    private const string MiniLmJson = """
        {
          "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
          "architectures": ["BertModel"],
          "attention_probs_dropout_prob": 0.1,
          "gradient_checkpointing": false,
          "hidden_act": "gelu",
          "hidden_dropout_prob": 0.1,
          "hidden_size": 384,
          "initializer_range": 0.02,
          "intermediate_size": 1536,
          "layer_norm_eps": 1e-12,
          "max_position_embeddings": 512,
          "model_type": "bert",
          "num_attention_heads": 12,
          "num_hidden_layers": 6,
          "pad_token_id": 0,
          "position_embedding_type": "absolute",
          "transformers_version": "4.8.2",
          "type_vocab_size": 2,
          "use_cache": true,
          "vocab_size": 30522
        }
        """;

    [Fact]
    public void MiniLmsPublishedConfigIsThePreset()
    {
        var config = BertConfig.FromJson(MiniLmJson, "config.json");
        Assert.Equal(BertConfig.MiniLmL6, config);
        Assert.Equal(32, config.HeadSize);
        Assert.Equal(BertActivation.Gelu, config.Activation);
    }

    [Fact]
    public void MissingFieldsTakeHuggingFacesDefaults()
    {
        var config = BertConfig.FromJson("{}");
        Assert.Equal((768, 12, 12, 3072, 30522, 512), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.VocabSize, config.MaxPositionEmbeddings));
    }

    [Fact]
    public void AnUnknownFieldIsNamedWithTheFileAndWhatIsSupported()
    {
        string json = MiniLmJson.Replace("\"use_cache\": true,", "\"use_cache\": true, \"rotary_dim\": 64,");
        var ex = Assert.Throws<BertConfigException>(() => BertConfig.FromJson(json, "/models/x/config.json"));
        Assert.Contains("\"rotary_dim\"", ex.Message);
        Assert.Contains("/models/x/config.json", ex.Message);
        Assert.Contains("hidden_act", ex.Message);
        Assert.Contains("ignoreUnknownFields", ex.Message);
        Assert.Equal("rotary_dim", ex.Field);

        var lenient = BertConfig.FromJson(json, "/models/x/config.json", ignoreUnknownFields: true);
        Assert.Equal(BertConfig.MiniLmL6, lenient);
    }

    [Theory]
    [InlineData("gelu", BertActivation.Gelu)]
    [InlineData("gelu_new", BertActivation.GeluTanh)]
    [InlineData("gelu_pytorch_tanh", BertActivation.GeluTanh)]
    [InlineData("relu", BertActivation.Relu)]
    public void SupportedActivations(string name, BertActivation expected)
        => Assert.Equal(expected, BertConfig.FromJson($$"""{"hidden_act": "{{name}}"}""").Activation);

    [Fact]
    public void AnUnsupportedActivationListsTheSupportedOnes()
    {
        var ex = Assert.Throws<BertConfigException>(() => BertConfig.FromJson("""{"hidden_act": "swish"}""", "config.json"));
        Assert.Contains("\"swish\"", ex.Message);
        Assert.Contains("gelu_new", ex.Message);
        Assert.Contains("relu", ex.Message);
        Assert.Equal("hidden_act", ex.Field);
    }

    [Fact]
    public void HiddenSizeMustBeDivisibleByTheHeads()
    {
        var ex = Assert.Throws<BertConfigException>(() => BertConfig.FromJson("""{"hidden_size": 384, "num_attention_heads": 5}""", "config.json"));
        Assert.Contains("hidden_size 384 is not divisible by num_attention_heads 5", ex.Message);
        Assert.Throws<BertConfigException>(() => new BertModel(BertConfig.MiniLmL6 with { NumAttentionHeads = 7 }));
    }

    [Theory]
    [InlineData("""{"num_hidden_layers": 0}""", "num_hidden_layers is 0")]
    [InlineData("""{"vocab_size": -3}""", "vocab_size is -3")]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "relative_key")]
    [InlineData("""{"hidden_size": "384"}""", "expected an integer")]
    [InlineData("""{"model_type": "roberta"}""", "roberta")]
    [InlineData("""[1, 2]""", "expected an object")]
    [InlineData("""{"hidden_size": 384""", "not valid JSON")]
    public void InvalidConfigurationsSayWhatIsWrong(string json, string expected)
    {
        var ex = Assert.Throws<BertConfigException>(() => BertConfig.FromJson(json, "config.json"));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ToJsonRoundTripsIncludingTheLabelMap()
    {
        var config = BertConfig.MiniLmL6 with
        {
            HiddenAct = "gelu_new",
            ClassifierDropout = 0.2,
            Id2Label = new Dictionary<int, string> { [0] = "negative", [1] = "positive" },
            Label2Id = new Dictionary<string, int> { ["negative"] = 0, ["positive"] = 1 },
        };
        string json = config.ToJson(["BertForSequenceClassification"]);
        Assert.Contains("\"id2label\"", json);
        Assert.Contains("\"0\": \"negative\"", json);
        Assert.Contains("\"model_type\": \"bert\"", json);
        var back = BertConfig.FromJson(json);
        Assert.Equal(config, back);
        Assert.Equal(2, back.NumLabels);
        Assert.NotEqual(config, back with { Id2Label = new Dictionary<int, string> { [0] = "neg", [1] = "positive" } });
    }

    [Fact]
    public void NumLabelsWithoutALabelMapNamesTheClassesLikeHuggingFace()
    {
        var config = BertConfig.FromJson("""{"num_labels": 3}""");
        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2"], config.Id2Label.OrderBy(kv => kv.Key).Select(kv => kv.Value));
    }
}
