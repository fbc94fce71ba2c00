// The four arms of the comparison, as a user writes them: a [FineTune] class around the pretrained encoder (a field
// named `bert`, so parameter names stay Hugging Face's) and a new classification head. Only the attributes differ.
using Attune;
using Attune.Transformers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reviews;

/// <summary>A mean-pooled encoder and a linear head: the body every arm shares.</summary>
public abstract class ReviewModel : nn.Module<TextBatch, Tensor>
{
    protected ReviewModel(string name) : base(name) { }

    /// <summary>The encoder (for saving it as a Hugging Face folder).</summary>
    public abstract BertModel Encoder { get; }

    protected static Tensor Classify(BertModel bert, Dropout dropout, Linear classifier, TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean);
        return classifier.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}

/// <summary>Feature extraction: the pretrained encoder frozen, only the head learns.</summary>
[FineTune(Epochs = 4, BatchSize = 16, LearningRate = 1e-2, Metric = Metric.Accuracy, Seed = 7)]
public sealed partial class FrozenEncoderClassifier : ReviewModel
{
    [Freeze] private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public FrozenEncoderClassifier(BertModel encoder, int classes) : base(nameof(FrozenEncoderClassifier))
    {
        bert = encoder;
        dropout = nn.Dropout(0.1);
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public override BertModel Encoder => bert;

    public override Tensor forward(TextBatch batch) => Classify(bert, dropout, classifier, batch);
}

/// <summary>LoRA: rank-8 adapters on every attention query and value projection; the encoder's own weights stay frozen.</summary>
[FineTune(Epochs = 2, BatchSize = 16, LearningRate = 2e-3, Schedule = LrSchedule.Linear, WarmupRatio = 0.1, Metric = Metric.Accuracy, Seed = 7)]
public sealed partial class LoraClassifier : ReviewModel
{
    [Lora(Rank = 8, Alpha = 16, Targets = new[] { "encoder.layer.*.attention.self.query", "encoder.layer.*.attention.self.value" })]
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public LoraClassifier(BertModel encoder, int classes) : base(nameof(LoraClassifier))
    {
        bert = encoder;
        dropout = nn.Dropout(0.1);
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public override BertModel Encoder => bert;

    public override Tensor forward(TextBatch batch) => Classify(bert, dropout, classifier, batch);
}

/// <summary>
/// Full fine-tuning with layer-wise learning-rate decay (each layer below the top at 0.9× the rate of the one above) and
/// a head with its own rate. The same class, built around a randomly initialised encoder, is the from-scratch arm.
/// </summary>
[FineTune(Epochs = 2, BatchSize = 16, LearningRate = 8e-5, WeightDecay = 0.01, Schedule = LrSchedule.Linear, WarmupRatio = 0.1,
          MaxGradNorm = 1.0, Metric = Metric.Accuracy, Seed = 7)]
public sealed partial class FullClassifier : ReviewModel
{
    [LayerwiseDecay(0.9)] private readonly BertModel bert;
    private readonly Dropout dropout;
    [LearningRate(1e-3)] private readonly Linear classifier;

    public FullClassifier(BertModel encoder, int classes) : base(nameof(FullClassifier))
    {
        bert = encoder;
        dropout = nn.Dropout(0.1);
        classifier = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public override BertModel Encoder => bert;

    public override Tensor forward(TextBatch batch) => Classify(bert, dropout, classifier, batch);
}
