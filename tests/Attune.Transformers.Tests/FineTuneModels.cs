using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers.Tests;

/// <summary>A small BERT with the real vocabulary, so real reviews feed it but a step takes milliseconds.</summary>
internal static class SmallBert
{
    public static BertConfig Config { get; } = BertConfig.MiniLmL6 with
    {
        HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, MaxPositionEmbeddings = 64,
    };
}

/// <summary>A user's review classifier: the encoder (full fine-tuning, layer-wise decay) and a head with its own rate.</summary>
[FineTune(Epochs = 3, BatchSize = 8, LearningRate = 1e-3, Metric = Metric.Accuracy, Seed = 5)]
public sealed partial class DecayClassifier : nn.Module<TextBatch, Tensor>
{
    [LayerwiseDecay(0.5)] private readonly BertModel bert;
    [LearningRate(1e-2)] private readonly Linear classifier;

    public DecayClassifier(BertModel encoder, int classes = 2) : base(nameof(DecayClassifier))
    {
        bert = encoder;
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public BertModel Bert => bert;

    public override Tensor forward(TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        return classifier.call(bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean)).MoveToOuterDisposeScope();
    }
}

/// <summary>LoRA on the attention query and value projections of every layer.</summary>
[FineTune(Epochs = 2, BatchSize = 8, LearningRate = 5e-3, Metric = Metric.Accuracy, Seed = 5)]
public sealed partial class LoraReviewClassifier : nn.Module<TextBatch, Tensor>
{
    [Lora(Rank = 4, Alpha = 8, Targets = new[] { "encoder.layer.*.attention.self.query", "encoder.layer.*.attention.self.value" })]
    private readonly BertModel bert;
    private readonly Linear classifier;

    public LoraReviewClassifier(BertModel encoder, int classes = 2) : base(nameof(LoraReviewClassifier))
    {
        bert = encoder;
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public BertModel Bert => bert;

    public override Tensor forward(TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        return classifier.call(bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean)).MoveToOuterDisposeScope();
    }
}

/// <summary>Gradual unfreezing from the top: the head alone in epoch 1, then one more layer each epoch.</summary>
[FineTune(Epochs = 4, BatchSize = 8, LearningRate = 1e-3, Metric = Metric.Accuracy, Seed = 5, CheckpointDirectory = "unused")]
public sealed partial class GradualClassifier : nn.Module<TextBatch, Tensor>
{
    [Freeze(UnfreezeAtEpoch = 2, LayerByLayer = true)] private readonly BertModel bert;
    private readonly Linear classifier;

    public GradualClassifier(BertModel encoder, int classes = 2) : base(nameof(GradualClassifier))
    {
        bert = encoder;
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public BertModel Bert => bert;

    public override Tensor forward(TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        return classifier.call(bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Cls)).MoveToOuterDisposeScope();
    }
}

/// <summary>A sweep over the fine-tune: LearningRate binds to the fine-tune option by name.</summary>
[TuneSpace(Trials = 3, Direction = Direction.Maximize, Sampler = Sampler.Random, Seed = 3, Storage = ":memory:")]
public partial record ReviewSweep
{
    [LogUniform(1e-4, 1e-2)] public double LearningRate { get; init; } = 1e-3;
    [Choice(4, 8)] public int BatchSize { get; init; } = 8;
    [Uniform(0.5, 1.0)] public double LayerDecay { get; init; } = 0.9;   // binds to FineTuneOptions.LayerDecay (double?)
    public int Epochs { get; init; } = 2;
}

/// <summary>A sweep over LoRA's rank and alpha: they bind to FineTuneOptions.LoraRank / LoraAlpha by name.</summary>
[TuneSpace(Trials = 3, Direction = Direction.Maximize, Sampler = Sampler.Grid, Seed = 3, Storage = ":memory:")]
public partial record LoraSweep
{
    [Choice(2, 4, 6)] public int LoraRank { get; init; } = 4;
    [Choice(3.0)] public double LoraAlpha { get; init; } = 3.0;
    public int Epochs { get; init; } = 1;
}
