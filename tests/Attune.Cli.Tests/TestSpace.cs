using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary>A space written by hand (no generator): a float, an int, a choice, and a float active only for one choice.</summary>
public sealed record CliSpace(double X, int Layers, string Opt, double Momentum) : ITuneSpace<CliSpace>
{
    public static readonly string[] Opts = ["adam", "sgd"];

    public static SearchSpace Space { get; } = new("CliSpace",
    [
        new ParameterSpec("X", ParameterKind.Float, -5, 10),
        new ParameterSpec("Layers", ParameterKind.Int, 1, 8, Step: 1),
        new ParameterSpec("Opt", ParameterKind.Categorical, Choices: Opts),
        new ParameterSpec("Momentum", ParameterKind.Float, 0, 0.9, Condition: new ParameterCondition("Opt", [1])),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 5, Trials = 12 };

    public static CliSpace Decode(IReadOnlyList<double> v) => new(v[0], (int)v[1], Opts[(int)v[2]], double.IsNaN(v[3]) ? 0 : v[3]);

    public double[] Encode() => [X, Layers, Array.IndexOf(Opts, Opt), Opt == "sgd" ? Momentum : double.NaN];
}

/// <summary>Prunes odd-numbered trials from 5 on at step 1, so a study has Pruned trials at known numbers.</summary>
internal sealed class OddPruner : IPruner
{
    public bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction)
        => step == 1 && trial.Number >= 5 && trial.Number % 2 == 1;
}

/// <summary>Writes studies with real sweeps: "demo" (minimize; complete, pruned and one failed trial) and "other" (maximize).</summary>
internal static class StudyMaker
{
    public const string Demo = "demo";
    public const string Other = "other";
    public const int FailingTrial = 3;

    public static SweepResult<CliSpace> Fill(string storage)
    {
        var demo = Sweep.Run<CliSpace>(trial =>
        {
            if (trial.Number == FailingTrial) throw new InvalidOperationException("diverged, on purpose");
            var p = trial.Parameters;
            double value = (p.X - 2) * (p.X - 2) + 0.1 * p.Layers + (p.Opt == "sgd" ? p.Momentum : 0.5);
            trial.Report(0, value + 1);
            trial.Report(1, value + 0.5);
            return value;
        }, CliSpace.DefaultSweepOptions with { Storage = storage, StudyName = Demo }, sampler: null, pruner: new OddPruner());
        Sweep.Run<CliSpace>(trial => trial.Parameters.X, CliSpace.DefaultSweepOptions with { Storage = storage, StudyName = Other, Direction = Direction.Maximize, Trials = 3 });
        return demo;
    }
}
