using Attune;
using Digits;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DigitsSweep;

/// <summary>
/// The search space: one trial's recipe for fine-tuning <see cref="SweepClassifier"/>. LearningRate, BatchSize,
/// Optimizer, Momentum and Epochs bind by name to the fine-tune options at build time; Hidden and Dropout shape the
/// model, which the objective builds from them. The initializers are the hand-picked defaults (the [FineTune]
/// attribute's values and the model's default shape), so <c>new DigitSweep()</c> is the recipe without a sweep.
/// </summary>
// ASHA's first rung at epoch 4 (then 12, 36): with a cosine-scheduled 40-epoch fine-tune, epoch 1 says little about the
// final metric (with the first rung at epoch 1, ASHA pruned 20 of 24 trials and the best lost to the defaults).
[TuneSpace(Trials = 24, Direction = Direction.Maximize, Sampler = Sampler.Tpe, Pruner = Pruner.Asha, PrunerMinResource = 4, Seed = 7,
           Storage = ".attune/digits-sweep/study.db")]
public partial record DigitSweep
{
    [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; } = 1e-2;
    [Choice(8, 16, 32)] public int BatchSize { get; init; } = 16;
    [IntRange(32, 256, Step = 32)] public int Hidden { get; init; } = 64;
    [Uniform(0.0, 0.5)] public double Dropout { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    [ActiveWhen(nameof(Optimizer), OptimizerKind.Sgd)]
    [Uniform(0.0, 0.99)] public double Momentum { get; init; } = 0.9;
    public int Epochs { get; init; } = 40;   // fixed (no range attribute): binds to the fine-tune's Epochs by name
}

/// <summary>
/// The few-shot classifier of digits 5–9 whose fine-tune is swept: the pretrained first layer (frozen), then a hidden
/// layer of the trial's width with the trial's dropout, then a new head. Hidden and head are new for every trial, so
/// both train at the swept base learning rate (a fixed [LearningRate] on the head would take it out of the search).
/// </summary>
[FineTune(Epochs = 40, BatchSize = 16, LearningRate = 1e-2, Metric = Metric.Accuracy, Patience = 10, Schedule = LrSchedule.Cosine)]
public partial class SweepClassifier : nn.Module<Tensor, Tensor>
{
    [Freeze] private readonly Sequential backbone;   // same name and shape as the pretraining network's: it loads
    private readonly Sequential hidden;              // width depends on the trial: never loaded
    private readonly Linear head;                    // the task changed: never loaded

    public SweepClassifier(int classes, int hiddenWidth, double dropout) : base(nameof(SweepClassifier))
    {
        backbone = Layers.Features();
        hidden = nn.Sequential(("0", nn.Linear(256, hiddenWidth)), ("1", nn.ReLU()), ("2", nn.Dropout(dropout)));
        head = nn.Linear(hiddenWidth, classes);
        RegisterComponents();
    }

    /// <summary>Names of the layers a pretrained file must not fill: their shapes depend on the trial or the task.</summary>
    public static readonly string[] NotPretrained = { "hidden", "head" };

    public override Tensor forward(Tensor input) => head.forward(hidden.forward(backbone.forward(input)));
}
