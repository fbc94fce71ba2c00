using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>
/// The benchmark's model: digits MLP 64-256-256-10 (Linear-ReLU-Linear-ReLU-Linear) with the first Linear frozen.
/// Both sides of the benchmark train this same class, so the forward pass costs the same.
/// </summary>
// TEMPORARY until the generator is on main: the IFineTunable half and RunFineTune below are written by hand with the
// exact shape the generator emits (FineTuneDefaults, CreateFineTunePlan, RunFineTune(train, validation, options, ...)).
public sealed partial class DigitsMlp : nn.Module<Tensor, Tensor>, IFineTunable
{
    public const double LearningRate = 1e-3;
    public const double WeightDecay = 0.01;
    public const int BatchSize = 32;
    public const long Seed = 42;

    /* [Freeze] */ private readonly Linear input;
    private readonly Linear hidden;
    private readonly Linear output;

    public DigitsMlp() : base(nameof(DigitsMlp))
    {
        input = nn.Linear(BenchData.Features, 256);
        hidden = nn.Linear(256, 256);
        output = nn.Linear(256, BenchData.Classes);
        RegisterComponents();
    }

    /// <summary>The parameters [Freeze] covers, for the hand-written loop.</summary>
    public IEnumerable<Parameter> FrozenParameters => input.parameters();

    public override Tensor forward(Tensor x)
        => output.forward(nn.functional.relu(hidden.forward(nn.functional.relu(input.forward(x)))));

    public static FineTuneOptions FineTuneDefaults { get; } = new()
    {
        Epochs = 10,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        Optimizer = OptimizerKind.AdamW,
        Loss = Loss.CrossEntropy,
        Metric = Metric.Accuracy,
        Seed = Seed,
    };

    FineTuneOptions IFineTunable.DefaultFineTuneOptions => FineTuneDefaults;

    FineTunePlan IFineTunable.CreateFineTunePlan() => new(
        "Attune.Bench.DigitsMlp",
        new[]
        {
            FieldRule.For("input", input, frozen: true),
            FieldRule.For("hidden", hidden),
            FieldRule.For("output", output),
        });

    public FineTuneReport RunFineTune(IBatchSource train, IBatchSource validation, FineTuneOptions? options = null,
        IProgress<FineTuneProgress>? progress = null, Microsoft.Extensions.Logging.ILogger? logger = null, CancellationToken cancellationToken = default)
        => FineTuner.Run(this, ((IFineTunable)this).CreateFineTunePlan(), train, validation, options ?? FineTuneDefaults, progress, logger, cancellationToken);
}
