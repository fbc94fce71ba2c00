using Attune;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraDigits;

/// <summary>The body every model here shares (same names, so pretrained weights load by name): two wide layers.</summary>
internal static class Body
{
    public const int Hidden = 256;

    public static Sequential Create() => nn.Sequential(
        ("fc1", nn.Linear(64, Hidden)), ("act1", nn.ReLU()),
        ("fc2", nn.Linear(Hidden, Hidden)), ("act2", nn.ReLU()));
}

/// <summary>Step 1: learn digits 0–4 from all their examples.</summary>
[FineTune(Epochs = 20, BatchSize = 32, LearningRate = 2e-3, Metric = Metric.Accuracy, Patience = 5)]
public partial class PretrainMlp : nn.Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear head;

    public PretrainMlp() : base(nameof(PretrainMlp))
    {
        body = Body.Create();
        head = nn.Linear(Body.Hidden, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.call(body.call(input));
}

/// <summary>Step 2a: full fine-tuning on digits 5–9: every weight of the body trains, with a new head.</summary>
[FineTune(Epochs = 40, BatchSize = 16, LearningRate = 1e-3, Metric = Metric.Accuracy, Patience = 10, Schedule = LrSchedule.Cosine)]
public partial class FullFineTune : nn.Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Linear head;

    public FullFineTune() : base(nameof(FullFineTune))
    {
        body = Body.Create();
        head = nn.Linear(Body.Hidden, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.call(body.call(input));
}

/// <summary>Step 2b: LoRA on digits 5–9: the body's two Linear layers get rank-4 adapters and stay frozen; the new
/// head trains in full (it is new, there is nothing to adapt).</summary>
[FineTune(Epochs = 40, BatchSize = 16, LearningRate = 5e-3, Metric = Metric.Accuracy, Patience = 10, Schedule = LrSchedule.Cosine)]
public partial class LoraFineTune : nn.Module<Tensor, Tensor>
{
    [Lora(Targets = new[] { "fc*" }, Rank = 4, Alpha = 8)] private readonly Sequential body;
    private readonly Linear head;

    public LoraFineTune() : base(nameof(LoraFineTune))
    {
        body = Body.Create();
        head = nn.Linear(Body.Hidden, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.call(body.call(input));
}
