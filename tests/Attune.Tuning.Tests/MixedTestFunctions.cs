using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>
/// Mixed spaces (categorical, log-scale, int and float parameters that interact) on which TPE's categorical handling was
/// diagnosed (issue 14, item 2); minimize, minimum 0 each. Shared with SweepBench's <c>tpe-ablation</c> and mirrored in
/// bench/optuna/tpe_ablation.py (keep the formulas in step).
/// </summary>
public static class MixedTestFunctions
{
    private static readonly string[] Optimizers = ["sgd", "adam", "adamw", "rmsprop"];
    private static readonly double[] OptShift = [-1.5, 0, 0.3, 0.5];   // sgd wants lr 10^1.5 larger than adam
    private static readonly double[] OptPenalty = [0.2, 0.05, 0, 0.1];

    /// <summary>The shape: lr log [1e-5, 1] whose optimum moves with the optimizer (4 choices), an int layers
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
}
