using System.Diagnostics;
using System.Globalization;
using Attune.Search;
using Attune.Tuning.Tests;

namespace Attune.SweepBench;

/// <summary>
/// The mixed spaces TPE was diagnosed on (issue 14, item 2), each mirrored in bench/optuna/tpe_ablation.py, and the
/// ablation runner: one TPE option changed at a time, best regret after N sequential trials over S seeds, quartiles.
/// Kept apart from the benchmark suite (Problems/) so the diagnosis can be rerun exactly as it was made.
/// </summary>
internal static class MixedProblems
{
    private static readonly string[] Optimizers = ["sgd", "adam", "adamw", "rmsprop"];
    private static readonly double[] OptShift = [-1.5, 0, 0.3, 0.5];   // sgd wants lr 10^1.5 larger than adam
    private static readonly double[] OptPenalty = [0.2, 0.05, 0, 0.1];

    /// <summary>The issue's shape: lr log [1e-5, 1] whose optimum moves with the optimizer (4 choices), an int layers
    /// [1, 8] and a float dropout [0, 0.5]. f = (log10 lr + 3 + s)² + p + 0.05 (layers − 3)² + 4 (dropout − 0.15)²;
    /// minimum 0 at adamw (s = 0.3), lr = 10^-3.3, layers 3, dropout 0.15.</summary>
    public static SearchSpace OptimizerSpace() => new("optimizer-mixed",
    [
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1, Log: true),
        new ParameterSpec("optimizer", ParameterKind.Categorical, Choices: Optimizers),
        new ParameterSpec("layers", ParameterKind.Int, 1, 8, Step: 1),
        new ParameterSpec("dropout", ParameterKind.Float, 0, 0.5),
    ]);

    public static double Optimizer(IReadOnlyList<double> x)
    {
        int o = (int)x[1];
        double a = Math.Log10(x[0]) + 3 + OptShift[o], l = x[2] - 3, d = x[3] - 0.15;
        return a * a + OptPenalty[o] + 0.05 * l * l + 4 * d * d;
    }

    /// <summary>Many categories: a 12-way choice c (penalty 0.1·|c − 7|, c = 7 best, and lr optimum shifted by
    /// 0.25·(c mod 4)), lr log [1e-5, 1], a float x in [−2, 2] with optimum at 0.5. Minimum 0.</summary>
    public static SearchSpace ManyCategoriesSpace() => new("many-categories",
    [
        new ParameterSpec("c", ParameterKind.Categorical, Choices: Enumerable.Range(0, 12).Select(i => $"c{i}").ToArray()),
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1, Log: true),
        new ParameterSpec("x", ParameterKind.Float, -2, 2),
    ]);

    public static double ManyCategories(IReadOnlyList<double> v)
    {
        int c = (int)v[0];
        double a = Math.Log10(v[1]) + 3 + 0.25 * (c % 4), x = v[2] - 0.5;
        return 0.1 * Math.Abs(c - 7) + a * a + x * x;
    }

    /// <summary>Integer-heavy: four ints in [1, 20], [1, 20], [0, 6], [16, 512 step 16] and a 3-way choice; a separable
    /// quadratic plus an interaction between the first two. Minimum 0 at (7, 12, 2, 128, choice 1).</summary>
    public static SearchSpace IntegerSpace() => new("integer-heavy",
    [
        new ParameterSpec("a", ParameterKind.Int, 1, 20, Step: 1),
        new ParameterSpec("b", ParameterKind.Int, 1, 20, Step: 1),
        new ParameterSpec("k", ParameterKind.Int, 0, 6, Step: 1),
        new ParameterSpec("w", ParameterKind.Int, 16, 512, Step: 16),
        new ParameterSpec("kind", ParameterKind.Categorical, Choices: ["x", "y", "z"]),
    ]);

    public static double Integer(IReadOnlyList<double> v)
    {
        double a = v[0] - 7, b = v[1] - 12, k = v[2] - 2, w = (v[3] - 128) / 16;
        double kind = (int)v[4] == 1 ? 0 : 0.5;
        return 0.02 * (a * a + b * b) + 0.01 * (a - b) * (a - b) + 0.1 * k * k + 0.005 * w * w + kind;
    }

    public static readonly (string Name, SearchSpace Space, Func<IReadOnlyList<double>, double> F, double Minimum)[] All =
    [
        ("mixed", MixedFunction.Space(), MixedFunction.Evaluate, MixedFunction.Minimum),
        ("optmixed", OptimizerSpace(), Optimizer, 0),
        ("manycat", ManyCategoriesSpace(), ManyCategories, 0),
        ("intheavy", IntegerSpace(), Integer, 0),
        ("branin", TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum),
        ("hartmann6", TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, TestFunctions.Hartmann6Minimum),
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
        ["floor.05"] = () => new TpeOptions { MinBandwidthFraction = 0.05 },
    };

    public static void Run(int seeds, int trials, int firstSeed, string[] problems, string[] variants)
    {
        Console.WriteLine($"# tpe-ablation: best regret after {trials} trials, seeds {firstSeed}..{firstSeed + seeds - 1}; lower is better");
        Console.WriteLine($"{"problem",-10} {"variant",-14} {"q25",10} {"median",10} {"q75",10} {"s/run",7}");
        foreach (var (name, space, f, minimum) in MixedProblems.All)
        {
            if (problems.Length > 0 && !problems.Contains(name)) continue;
            foreach (var v in variants)
            {
                if (!Variants.TryGetValue(v, out var make)) throw new ArgumentException($"Unknown variant '{v}'; expected one of {string.Join(", ", Variants.Keys)}.");
                var regrets = new double[seeds];
                long t0 = Stopwatch.GetTimestamp();
                for (int s = 0; s < seeds; s++) regrets[s] = TestFunctions.Optimize(new TpeSampler(make()), space, f, trials, firstSeed + s) - minimum;
                double perRun = Stopwatch.GetElapsedTime(t0).TotalSeconds / seeds;
                Console.WriteLine($"{name,-10} {v,-14} {E(Quantile(regrets, 0.25)),10} {E(Quantile(regrets, 0.5)),10} {E(Quantile(regrets, 0.75)),10} {perRun,7:F3}");
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
