using System.Diagnostics;
using System.Globalization;
using Attune.Search;
using Attune.SweepBench.Problems;
using Attune.SweepBench.Suite;
using Attune.Tuning.Tests;

namespace Attune.SweepBench;

/// <summary>The problems of the TPE ablation: the mixed ones of <see cref="MixedTestFunctions"/> and every problem of the
/// search suite (continuous ones included: a change must not make them worse). Kept apart from the benchmark suite (Problems/) so the
/// diagnosis of issue 14 can be rerun exactly as it was made.</summary>
internal static class AblationProblems
{
    /// <summary>The ablation's own problems, then the suite's (bench/Attune.SweepBench/Problems) under their suite names.</summary>
    public static IReadOnlyList<BenchmarkProblem> All() =>
    [
        new("optmixed", "mixed", MixedTestFunctions.OptimizerSpace(), MixedTestFunctions.Optimizer, 0, [Math.Pow(10, -3.3), 2, 3, 0.15]),
        new("manycat", "categorical", MixedTestFunctions.ManyCategoriesSpace(), MixedTestFunctions.ManyCategories, 0, [7, Math.Pow(10, -3.75), 0.5]),
        new("intheavy", "mixed", MixedTestFunctions.IntegerSpace(), MixedTestFunctions.Integer, 0, [7, 12, 2, 128, 1]),
        .. ProblemSet.Synthetic(),
    ];
}

/// <summary><c>tpe-ablation [--seeds 20] [--trials 100] [--problems a,b] [--variants v1,v2]</c>: one row per problem and
/// TPE variant (one option changed from the defaults), quartiles of best regret over the seeds.</summary>
internal static class TpeAblation
{
    public static readonly Dictionary<string, Func<TpeOptions>> Variants = new()
    {
        ["default"] = () => new TpeOptions(),
        ["uni"] = () => new TpeOptions { Multivariate = false },
        ["prior0.5"] = () => new TpeOptions { PriorWeight = 0.5 },
        ["prior2"] = () => new TpeOptions { PriorWeight = 2 },
        ["sqrtgamma"] = () => new TpeOptions { Gamma = TpeOptions.SqrtGamma },
        ["gamma.15"] = () => new TpeOptions { Gamma = n => Math.Min((int)Math.Ceiling(0.15 * n), 25) },
        ["startup20"] = () => new TpeOptions { StartupTrials = 20 },
        ["startup5"] = () => new TpeOptions { StartupTrials = 5 },
        ["cand48"] = () => new TpeOptions { Candidates = 48 },
        ["cand12"] = () => new TpeOptions { Candidates = 12 },
        ["scott"] = () => new TpeOptions { Bandwidth = TpeBandwidth.Scott },
        ["bwf2"] = () => new TpeOptions { BandwidthFactor = 2 },
        ["scott-bwf2"] = () => new TpeOptions { Bandwidth = TpeBandwidth.Scott, BandwidthFactor = 2 },
        ["nn-both"] = () => new TpeOptions { AdaptiveGoodOnly = false },
        ["floor.1"] = () => new TpeOptions { MinBandwidthFraction = 0.1 },
        ["floor.05"] = () => new TpeOptions { MinBandwidthFraction = 0.05 },
    };

    public static void Run(int seeds, int trials, int firstSeed, string[] problems, string[] variants)
    {
        Console.WriteLine($"# tpe-ablation: best regret after {trials} trials, seeds {firstSeed}..{firstSeed + seeds - 1}; lower is better");
        Console.WriteLine($"{"problem",-16} {"variant",-14} {"q25",10} {"median",10} {"q75",10} {"s/run",7}");
        var all = AblationProblems.All();
        foreach (var unknown in problems.Where(n => all.All(p => p.Name != n)))
            throw new ArgumentException($"Unknown problem '{unknown}'; expected one of {string.Join(", ", all.Select(p => p.Name))}.");
        foreach (var problem in all)
        {
            if (problems.Length > 0 ? !problems.Contains(problem.Name) : problem.Family == "real") continue;
            foreach (var v in variants)
            {
                if (!Variants.TryGetValue(v, out var make)) throw new ArgumentException($"Unknown variant '{v}'; expected one of {string.Join(", ", Variants.Keys)}.");
                var regrets = new double[seeds];
                long t0 = Stopwatch.GetTimestamp();
                for (int s = 0; s < seeds; s++) regrets[s] = SearchSuite.RunOnce(problem, new TpeSampler(make()), firstSeed + s, trials, [trials])[0];
                double perRun = Stopwatch.GetElapsedTime(t0).TotalSeconds / seeds;
                Console.WriteLine($"{problem.Name,-16} {v,-14} {E(Quantile(regrets, 0.25)),10} {E(Quantile(regrets, 0.5)),10} {E(Quantile(regrets, 0.75)),10} {perRun,7:F3}");
            }
        }
    }

    private static double Quantile(double[] values, double q)
    {
        var s = values.OrderBy(v => v).ToArray();
        double pos = q * (s.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    private static string E(double v) => v.ToString("0.000e+00", CultureInfo.InvariantCulture);
}
