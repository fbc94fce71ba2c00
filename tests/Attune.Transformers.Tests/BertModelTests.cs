using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers.Tests;

/// <summary>The encoder's structure and forward pass on a tiny configuration.</summary>
public class BertModelTests
{
    [Fact]
    public void StateDictKeysAreHuggingFaceBertModels()
    {
        using var model = new BertModel(BertConfig.MiniLmL6);
        var state = model.state_dict();
        var expected = new List<string>
        {
            "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
        };
        for (int i = 0; i < 6; i++)
            foreach (var m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm" })
                expected.AddRange([$"encoder.layer.{i}.{m}.weight", $"encoder.layer.{i}.{m}.bias"]);
        expected.AddRange(["pooler.dense.weight", "pooler.dense.bias"]);
        Assert.Equal(expected.OrderBy(k => k, StringComparer.Ordinal), state.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new long[] { 30522, 384 }, state["embeddings.word_embeddings.weight"].shape);
        Assert.Equal(new long[] { 1536, 384 }, state["encoder.layer.5.intermediate.dense.weight"].shape);
        Assert.Equal(22_713_216, model.parameters().Sum(p => p.numel()));
        // Modules are addressable one by one, under the names LoRA patterns use.
        Assert.Same(model.Layer(3).Attention.Self.Query, model.named_modules().Single(m => m.name == "encoder.layer.3.attention.self.query").module);
        Assert.Equal(6, model.Layers.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Layer(6));
    }

    [Fact]
    public void ForwardGivesTheLastHiddenStateAndLeavesOnlyItsOutput()
    {
        using var model = new BertModel(Tiny.Config);
        model.eval();
        using var batch = new Disposing(Tiny.Batch(5, 3));
        using (var warm = model.call(batch.Value)) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var hidden = model.call(batch.Value);
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(new long[] { 2, 5, 16 }, hidden.shape);
        hidden.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void PaddingChangesNeitherRealTokensNorTheMeanPool()
    {
        using var model = new BertModel(Tiny.Config);
        model.eval();
        using var scope = torch.NewDisposeScope();
        var batch = Tiny.Batch(6, 3);
        var hidden = model.call(batch);
        // Different ids in the padded positions must not change anything that the mask keeps.
        var otherIds = batch.InputIds.clone();
        otherIds[1, TensorIndex.Slice(3)] = torch.tensor(17L);
        var hidden2 = model.call(new TextBatch(otherIds, batch.AttentionMask));
        Assert.True(hidden[1, TensorIndex.Slice(0, 3)].allclose(hidden2[1, TensorIndex.Slice(0, 3)], 1e-5, 1e-6));
        Assert.False(hidden[1, 4].allclose(hidden2[1, 4]));

        var mean = model.Pool(hidden, batch.AttentionMask, Pooling.Mean);
        var mean2 = model.Pool(hidden2, batch.AttentionMask, Pooling.Mean);
        Assert.Equal(new long[] { 2, 16 }, mean.shape);
        Assert.True(mean.allclose(mean2, 1e-5, 1e-6));
        // Row 1's mean is over its 3 real tokens only; the row alone (no padding) gives the same.
        Assert.True(mean[1].allclose(hidden[1, TensorIndex.Slice(0, 3)].mean([0]), 1e-5, 1e-6));
        var alone = new TextBatch(batch.InputIds[TensorIndex.Slice(1, 2), TensorIndex.Slice(0, 3)], batch.AttentionMask[TensorIndex.Slice(1, 2), TensorIndex.Slice(0, 3)]);
        Assert.True(model.Pool(model.call(alone), alone.AttentionMask, Pooling.Mean)[0].allclose(mean[1], 1e-5, 1e-5));

        Assert.True(model.Pool(hidden, batch.AttentionMask, Pooling.Cls).allclose(hidden.select(1, 0)));
        Assert.Equal(new long[] { 2, 16 }, model.Pool(hidden, batch.AttentionMask, Pooling.Pooler).shape);
    }

    [Fact]
    public void GeluNewIsTheTanhFormula()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.linspace(-4, 4, 81);
        var expected = x.mul(0.5).mul(x.add(x.pow(3).mul(0.044715)).mul(Math.Sqrt(2 / Math.PI)).tanh().add(1));
        Assert.True(BertActivations.Apply(BertActivation.GeluTanh, x).allclose(expected, 1e-6, 1e-6));
        var erf = x.mul(0.5).mul(x.div(Math.Sqrt(2)).erf().add(1));
        Assert.True(BertActivations.Apply(BertActivation.Gelu, x).allclose(erf, 1e-6, 1e-6));
        Assert.False(BertActivations.Apply(BertActivation.Gelu, x).allclose(expected, 1e-6, 1e-6));
    }

    [Fact]
    public void TokenTypesDefaultToZero()
    {
        using var model = new BertModel(Tiny.Config);
        model.eval();
        using var scope = torch.NewDisposeScope();
        var batch = Tiny.Batch(4, 4);
        var zeros = torch.zeros_like(batch.InputIds);
        var ones = torch.ones_like(batch.InputIds);
        Assert.True(model.call(batch).allclose(model.call(new TextBatch(batch.InputIds, batch.AttentionMask, zeros)), 1e-6, 1e-6));
        Assert.False(model.call(batch).allclose(model.call(new TextBatch(batch.InputIds, batch.AttentionMask, ones)), 1e-3, 1e-3));
    }

    [Fact]
    public void ASequenceLongerThanThePositionsIsRefused()
    {
        using var model = new BertModel(Tiny.Config);
        using var scope = torch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => model.call(Tiny.Batch(25)));
        Assert.Contains("24 position embeddings", ex.Message);
    }

    [Fact]
    public void TheClassifierGivesLogitsPerRowAndHuggingFaceKeys()
    {
        using var classifier = new BertForSequenceClassification(Tiny.Config, numLabels: 3);
        classifier.eval();
        using var scope = torch.NewDisposeScope();
        var logits = classifier.call(Tiny.Batch(5, 2, 4));
        Assert.Equal(new long[] { 3, 3 }, logits.shape);
        var keys = classifier.state_dict().Keys.ToList();
        Assert.Contains("bert.embeddings.word_embeddings.weight", keys);
        Assert.Contains("bert.encoder.layer.1.attention.self.query.weight", keys);
        Assert.Contains("bert.pooler.dense.weight", keys);
        Assert.Contains("classifier.weight", keys);
        Assert.Contains("classifier.bias", keys);
        Assert.Equal(new long[] { 3, 16 }, classifier.state_dict()["classifier.weight"].shape);

        using var meanPooled = new BertForSequenceClassification(Tiny.Config, numLabels: 2, pooling: Pooling.Mean);
        Assert.Equal(new long[] { 3, 2 }, meanPooled.call(Tiny.Batch(5, 2, 4)).shape);
        Assert.DoesNotContain(meanPooled.state_dict().Keys, k => k.Contains("pooler"));
        Assert.Throws<ArgumentException>(() => new BertForSequenceClassification(Tiny.Config));
    }

    [Fact]
    public void BertModelWorksAsAFieldOfAUsersOwnModel()
    {
        using var model = new MyClassifier(Tiny.Config);
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("bert.encoder.layer.0.attention.self.value.bias", keys);
        Assert.Contains("classifier.weight", keys);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(new long[] { 2, 4 }, model.call(Tiny.Batch(3, 5)).shape);
    }

    private sealed class MyClassifier : nn.Module<TextBatch, Tensor>
    {
#pragma warning disable IDE1006
        private readonly BertModel bert;
        private readonly Linear classifier;
#pragma warning restore IDE1006

        public MyClassifier(BertConfig config) : base(nameof(MyClassifier))
        {
            bert = new BertModel(config, addPoolingLayer: false);
            classifier = nn.Linear(config.HiddenSize, 4);
            RegisterComponents();
        }

        public override Tensor forward(TextBatch batch)
        {
            using var scope = torch.NewDisposeScope();
            var pooled = bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean);
            return classifier.call(pooled).MoveToOuterDisposeScope();
        }
    }

    private sealed class Disposing(TextBatch value) : IDisposable
    {
        public TextBatch Value { get; } = value;
        public void Dispose()
        {
            Value.InputIds.Dispose();
            Value.AttentionMask.Dispose();
        }
    }
}
