using System.Diagnostics;
using System.Globalization;
using Attune.Search;
using Attune.Tuning.Tests;

namespace Attune.SweepBench;

/// <summary>
/// The pruning benchmark: real 1-worker sweeps (TPE, in memory) on <see cref="CurveRecipe"/>'s learning curves, each
/// pruner given the same budget of steps trained. At each budget (in full trials' worth of steps, 30 each) the
/// recommended recipe is the completed trial with the best observed final loss among those that ended within the
/// budget; its regret is its noise-free final loss minus the best possible. Quartiles over seeds.
/// </summary>
internal static class Pruning
{
    private sealed record Method(string Name, Pruner Kind, Func<IPruner?> Custom)
    {
        public Func<ISampler?> Sampler { get; init; } = () => null;
    }

    /// <summary>TPE behind another type: the sweep then gives it every trial, as it does any sampler but TPE under
    /// Hyperband (see <c>SweepAlgorithms.HistoryForSampler</c>); the "hb-all" variant.</summary>
    private sealed class OpaqueSampler(ISampler inner) : ISampler
    {
        public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
            => inner.Sample(space, history, direction, random);
    }

    public static void Run(int seeds, int[] budgets, int firstSeed)
    {
        var methods = new List<Method>
        {
            new("none", Pruner.None, () => null),
            new("median", Pruner.Median, () => null),
            new("asha", Pruner.Asha, () => null),
            new("hyperband", Pruner.Hyperband, () => null),
        };
        // The question Optuna answers yes to: should TPE see only the trials of the new trial's bracket? (The sweep does:
        // "hyperband"; "hb-all" gives TPE every trial.)
        if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "1")
            methods.Add(new("hb-all", Pruner.Hyperband, () => null) { Sampler = () => new OpaqueSampler(new TpeSampler()) });
        long maxBudget = budgets.Max() * (long)CurveRecipe.Epochs;
        Console.WriteLine($"# pruning: TPE sweeps on synthetic learning curves ({CurveRecipe.Epochs} epochs, curves that cross, noise sd {CurveFamily.NoiseSd}); " +
                          $"regret of the recommended recipe at equal budgets of steps trained; seeds {firstSeed}..{firstSeed + seeds - 1}");
        Console.WriteLine($"# best possible final loss: {CurveFamily.EarlyCrossing.Name} {CurveFamily.EarlyCrossing.BestFinalLoss:F5}, {CurveFamily.LateCrossing.Name} {CurveFamily.LateCrossing.BestFinalLoss:F5}");
        Console.WriteLine("# defaults: PrunerMinResource 1, PrunerReductionFactor 3 (ASHA, Hyperband), PrunerMaxResource auto (Hyperband); Median: warm-up 1 step, 5 start-up trials");
        Console.WriteLine($"{"curves",-14} {"pruner",-10} {"budget",6} {"steps",6} {"q25",8} {"median",8} {"q75",8} {"trials",6} {"full",5} {"s/run",6}");
        foreach (var family in new[] { CurveFamily.EarlyCrossing, CurveFamily.LateCrossing })
        foreach (var method in methods)
        {
            var runs = new List<List<CurveTrial>>();
            long t0 = Stopwatch.GetTimestamp();
            for (int s = firstSeed; s < firstSeed + seeds; s++) runs.Add(CurveSweep.Run(family, method.Kind, s, maxBudget, custom: method.Custom(), sampler: method.Sampler()));
            double secondsPerRun = Stopwatch.GetElapsedTime(t0).TotalSeconds / seeds;
            foreach (int budget in budgets)
            {
                long steps = budget * (long)CurveRecipe.Epochs;
                var regrets = runs.Select(r => CurveSweep.RegretAt(family, r, steps)).ToArray();
                double trials = Stats.Quantile(runs.Select(r => (double)r.Count(t => t.StepsSoFar <= steps)).ToArray(), 0.5);
                double full = Stats.Quantile(runs.Select(r => (double)r.Count(t => t.StepsSoFar <= steps && t.Completed)).ToArray(), 0.5);
                Console.WriteLine($"{family.Name,-14} {method.Name,-10} {budget,6} {steps,6} {F(Stats.Quantile(regrets, 0.25)),8} {F(Stats.Quantile(regrets, 0.5)),8} {F(Stats.Quantile(regrets, 0.75)),8} {trials,6:F0} {full,5:F0} {secondsPerRun,6:F2}");
            }
        }
        Console.WriteLine("# budget: in full trials' worth of steps; regret: true final loss of the best observed completed trial minus the best possible (inf: none completed);");
        Console.WriteLine("# trials / full: median count of trials that ended within the budget / of those that ran all epochs; s/run: wall seconds per seed (all budgets).");
    }

    private static string F(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("F4", CultureInfo.InvariantCulture);
}
