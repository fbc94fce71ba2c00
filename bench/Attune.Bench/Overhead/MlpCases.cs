using Attune.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench.Overhead;

/// <summary>The digits data both MLP cases use, loaded once per process.</summary>
internal sealed class DigitsData : IDisposable
{
    public DigitsData()
    {
        Data = BenchData.Load(BenchData.DefaultPath);
        Train = new LabeledTensors(Data.TrainX, Data.TrainY);
        Validation = new LabeledTensors(Data.ValidationX, Data.ValidationY);
    }

    public BenchData Data { get; }
    public LabeledTensors Train { get; }
    public LabeledTensors Validation { get; }

    public void Dispose() => Data.Dispose();
}

/// <summary>
/// Training steps on the digits MLP: the generated <c>RunFineTune</c> against <see cref="HandLoop"/>, which does the
/// same training (same seed, batches, optimizer, validation passes and best-weights copies) and nothing else.
/// </summary>
internal sealed class TrainMlpCase(int epochs, bool progress = false) : OverheadCase
{
    private readonly DigitsData _digits = new();

    public override string Name => progress ? "train-mlp-progress" : "train-mlp";
    public override string Unit => "step";

    public override IEnumerable<string> Describe()
    {
        long steps = (_digits.Data.TrainCount + DigitsMlp.BatchSize - 1) / DigitsMlp.BatchSize * epochs;
        yield return $"training steps, digits MLP 64-256-256-10 (first Linear frozen), AdamW, batch {DigitsMlp.BatchSize}, {epochs} epochs = {steps} steps per run, each epoch validated;";
        yield return "  hand: bench/Attune.Bench/HandLoop.cs (randperm, index_select, forward, cross_entropy, item, backward, step, zero_grad in one scope per step; a no_grad validation pass and best-weights copy_ per epoch);";
        yield return progress
            ? "  Attune: the generated DigitsMlp.RunFineTune(train, validation, FineTuneDefaults with { Epochs }): the default console progress on (a report per step), written to a null writer;"
            : "  Attune: the generated DigitsMlp.RunFineTune(train, validation, FineTuneDefaults with { Epochs, ConsoleProgress = false });";
        yield return "  whole run = everything from the call to its return (setup, checks, steps, validation), per step; training passes = the epochs' training loops alone (EpochResult.Duration on Attune's side).";
    }

    public override IReadOnlyList<Figure> Figures { get; } = new[]
    {
        Figure.WholeRunWall(goal: true), Figure.WholeRunCpu(goal: true), Figure.TrainingPassesWall(goal: true),
    };

    public override ArmSample Run(Arm arm)
    {
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        if (arm == Arm.Hand)
        {
            return Time(() =>
            {
                var r = HandLoop.Run(model, _digits.Data, epochs);
                return (r.Steps, r.Epochs.SelectMany(e => new[] { e.TrainLoss, e.ValidationLoss, e.Accuracy }).ToArray(), r.Training.TotalSeconds);
            });
        }
        var options = DigitsMlp.FineTuneDefaults with { ConsoleProgress = progress, Epochs = epochs };
        return Time(() =>
        {
            // The default ConsoleProgress writes to Console.Out as it is when the run starts: a null writer here, so the
            // benchmark's own output stays readable and the cost measured is the progress path, not the terminal.
            var console = Console.Out;
            if (progress) Console.SetOut(TextWriter.Null);
            FineTuneReport report;
            try { report = model.RunFineTune(_digits.Train, _digits.Validation, options); }
            finally { if (progress) Console.SetOut(console); }
            return (report.TotalSteps, report.Epochs.SelectMany(e => new[] { e.TrainLoss, e.ValidationLoss, e.Metric }).ToArray(),
                report.Epochs.Sum(e => e.Duration.TotalSeconds));
        });
    }

    public override void Dispose() => _digits.Dispose();
}

/// <summary>
/// Evaluation on the digits MLP: <see cref="FineTuner.Evaluate{TInput}"/> against a hand-written no_grad loop
/// (<see cref="HandLoop.Validate"/>): the same batches of 32, loss and accuracy.
/// </summary>
internal sealed class EvalMlpCase(int passes) : OverheadCase
{
    private readonly DigitsData _digits = new();
    private readonly DigitsMlp _model = CreateModel();

    public override string Name => "eval-mlp";
    public override string Unit => "batch";

    private static DigitsMlp CreateModel()
    {
        torch.manual_seed(DigitsMlp.Seed);
        var model = new DigitsMlp();
        model.eval();
        return model;
    }

    public override IEnumerable<string> Describe()
    {
        long batches = (_digits.Data.ValidationCount + 31) / 32 * passes;
        yield return $"evaluation, digits MLP, {_digits.Data.ValidationCount} validation rows in batches of 32, {passes} passes per arm and round, interleaved pass by pass = {batches} batches;";
        yield return "  hand: HandLoop.Validate (eval, no_grad; per batch in its own scope: narrow, forward, cross_entropy item, argmax eq sum item);";
        yield return "  Attune: FineTuner.Evaluate(model, validation, 32, Loss.CrossEntropy, Metric.Accuracy).";
    }

    public override int Repetitions => passes;

    /// <summary>One pass over the validation rows.</summary>
    public override ArmSample Run(Arm arm) => Time(() =>
    {
        double loss, accuracy;
        if (arm == Arm.Hand) (loss, accuracy) = HandLoop.Validate(_model, _digits.Data, 32);
        else
        {
            var result = FineTuner.Evaluate(_model, _digits.Validation, 32, Loss.CrossEntropy, Metric.Accuracy);
            (loss, accuracy) = (result.Loss, result[Metric.Accuracy]);
        }
        return ((_digits.Data.ValidationCount + 31) / 32, new[] { loss, accuracy }, double.NaN);
    });

    public override void Dispose()
    {
        _model.Dispose();
        _digits.Dispose();
    }
}

/// <summary>
/// Batch assembly from tensors in memory: <see cref="LabeledTensors.Batches"/> (shuffled, as training uses it) against
/// the hand-written gather (a seeded randperm, then narrow and two index_selects per batch), each batch in its own
/// dispose scope as in a training step. Nothing else happens, so this isolates what the data path costs.
/// </summary>
internal sealed class TensorBatchesCase(int passes) : OverheadCase
{
    private readonly DigitsData _digits = new();

    public override string Name => "batches-tensor";
    public override string Unit => "batch";

    public override IEnumerable<string> Describe()
    {
        long batches = (_digits.Data.TrainCount + 31) / 32 * passes;
        yield return $"batch assembly from tensors, the {_digits.Data.TrainCount} digits training rows, batch 32, shuffled, {passes} passes per arm and round, interleaved pass by pass = {batches} batches;";
        yield return "  hand: randperm(n, generator), then per batch in a dispose scope: narrow the permutation, index_select features and labels;";
        yield return "  Attune: LabeledTensors.Batches(32, shuffle: true, generator), one dispose scope per batch opened before MoveNext (as the trainer does);";
        yield return "  both read the first batch's label sum once per pass (the same-work check).";
    }

    public override int Repetitions => passes;

    /// <summary>One shuffled pass; its generator is made outside the timed region.</summary>
    public override ArmSample Run(Arm arm)
    {
        using var generator = new Generator((ulong)DigitsMlp.Seed);
        var data = _digits.Data;
        return Time(() =>
        {
            long batches = 0;
            double firstSum = 0;
            long n = data.TrainCount;
            if (arm == Arm.Hand)
            {
                using var permutation = torch.randperm(n, generator: generator);
                for (long start = 0; start < n; start += 32)
                {
                    using var scope = torch.NewDisposeScope();
                    var index = permutation.narrow(0, start, Math.Min(32, n - start));
                    var x = data.TrainX.index_select(0, index);
                    var y = data.TrainY.index_select(0, index);
                    if (start == 0) firstSum = y.sum().item<long>();
                    batches++;
                }
            }
            else (batches, firstSum) = Drain(_digits.Train.Batches(32, shuffle: true, generator));
            return (batches, new[] { firstSum }, double.NaN);
        });
    }

    public override void Dispose() => _digits.Dispose();
}
