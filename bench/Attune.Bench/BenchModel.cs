using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>
/// The benchmark's model: digits MLP 64-256-256-10 (Linear-ReLU-Linear-ReLU-Linear) with the first Linear frozen.
/// The generator writes its RunFineTune, FineTuneDefaults and fine-tune plan from the attributes, as for any user.
/// Both sides of the benchmark train this same class, so the forward pass costs the same.
/// </summary>
[FineTune(Epochs = 10, BatchSize = 32, LearningRate = 1e-3, WeightDecay = 0.01, Optimizer = OptimizerKind.AdamW,
          Loss = Loss.CrossEntropy, Metric = Metric.Accuracy, Seed = 42)]
public sealed partial class DigitsMlp : nn.Module<Tensor, Tensor>
{
    // The same values, for the hand-written loop (the attribute above must spell them as constants).
    public const double LearningRate = 1e-3;
    public const double WeightDecay = 0.01;
    public const int BatchSize = 32;
    public const long Seed = 42;

    [Freeze] private readonly Linear input;
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
}
