// The sweep's search space and the model it tunes: LoRA on the pretrained encoder with layer-wise decay. Every tuned
// property whose name is a FineTuneOptions property (LearningRate, WarmupRatio, LoraRank, LoraAlpha, LayerDecay, Epochs)
// is bound to the fine-tune by name at build time; Dropout goes to the model's constructor.
using Attune;
using Attune.Transformers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ReviewsSweep;

[TuneSpace(Trials = 8, Direction = Direction.Maximize, Sampler = Sampler.Tpe, Seed = 11, Storage = ".attune/reviews-sweep/study.db")]
public partial record ReviewSweep
{
    [LogUniform(3e-4, 5e-3)] public double LearningRate { get; init; } = 2e-3;
    [Choice(4, 8, 16)] public int LoraRank { get; init; } = 8;
    [Choice(8.0, 16.0, 32.0)] public double LoraAlpha { get; init; } = 16;
    [Uniform(0.0, 0.2)] public double WarmupRatio { get; init; } = 0.1;
    [Uniform(0.0, 0.3)] public double Dropout { get; init; } = 0.1;
    [Uniform(0.6, 1.0)] public double LayerDecay { get; init; } = 1.0;
    public int Epochs { get; init; } = 2;                                   // fixed: no range
}

/// <summary>LoRA (query and value of every layer; rank, alpha and decay as declared unless a trial overrides them).</summary>
[FineTune(Epochs = 2, BatchSize = 16, LearningRate = 2e-3, Schedule = LrSchedule.Linear, WarmupRatio = 0.1, Metric = Metric.Accuracy, Seed = 7)]
public sealed partial class SweepClassifier : nn.Module<TextBatch, Tensor>
{
    [Lora(Rank = 8, Alpha = 16, Targets = new[] { "encoder.layer.*.attention.self.query", "encoder.layer.*.attention.self.value" })]
    [LayerwiseDecay(1.0)]
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public SweepClassifier(BertModel encoder, int classes, double dropout) : base(nameof(SweepClassifier))
    {
        bert = encoder;
        this.dropout = nn.Dropout(dropout);
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public override Tensor forward(TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean);
        return classifier.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}
