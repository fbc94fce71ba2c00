using Attune;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Digits;

/// <summary>The layers every model here shares, so weights saved by one load into another by name.</summary>
internal static class Layers
{
    public static Sequential Features() => nn.Sequential(("0", nn.Linear(64, 256)), ("1", nn.ReLU()));
    public static Sequential Hidden() => nn.Sequential(("0", nn.Linear(256, 64)), ("1", nn.ReLU()));
}

/// <summary>Step 1: learn digits 0–4 from all their examples; its backbone becomes the pretrained part.</summary>
[FineTune(Epochs = 15, BatchSize = 32, LearningRate = 2e-3, Metric = Metric.Accuracy, Patience = 4)]
public partial class PretrainNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Sequential backbone;
    private readonly Sequential hidden;
    private readonly Linear head;

    public PretrainNetwork() : base(nameof(PretrainNetwork))
    {
        backbone = Layers.Features();
        hidden = Layers.Hidden();
        head = nn.Linear(64, 5);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.forward(hidden.forward(backbone.forward(input)));
}

/// <summary>Step 2: digits 5–9 from a few examples each: keep the pretrained backbone frozen, train a new head.</summary>
[FineTune(Epochs = 60, BatchSize = 16, LearningRate = 1e-2, Metric = Metric.Accuracy, Patience = 15,
          Schedule = LrSchedule.Cosine, CheckpointDirectory = ".attune/digits/fine-tune")]
public partial class DigitClassifier : nn.Module<Tensor, Tensor>
{
    [Freeze] private readonly Sequential backbone;           // pretrained low-level features: frozen
    private readonly Sequential hidden;                      // pretrained, adapted at the base learning rate
    [LearningRate(3e-2)] private readonly Linear head;       // new task head: its own, larger learning rate

    public DigitClassifier(int classes) : base(nameof(DigitClassifier))
    {
        backbone = Layers.Features();
        hidden = Layers.Hidden();
        head = nn.Linear(64, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.forward(hidden.forward(backbone.forward(input)));
}

/// <summary>The baseline: the same network trained from random weights on the same few examples.</summary>
[FineTune(Epochs = 60, BatchSize = 16, LearningRate = 1e-2, Metric = Metric.Accuracy, Patience = 15, Schedule = LrSchedule.Cosine)]
public partial class ScratchClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Sequential backbone;
    private readonly Sequential hidden;
    private readonly Linear head;

    public ScratchClassifier(int classes) : base(nameof(ScratchClassifier))
    {
        backbone = Layers.Features();
        hidden = Layers.Hidden();
        head = nn.Linear(64, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.forward(hidden.forward(backbone.forward(input)));
}
