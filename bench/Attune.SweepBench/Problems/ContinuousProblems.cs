using Attune.Search;
using Attune.Tuning.Tests;

namespace Attune.SweepBench.Problems;

/// <summary>
/// The textbook continuous test functions (formulas and domains as in Surjanovic &amp; Bingham's Virtual Library of
/// Simulation Experiments). The 10-dimensional ones are where a sampler's handling of many parameters shows; they stop
/// at 10 dimensions because Optuna 3.1's TPE costs about 0.1 s per trial at 20, which would break the suite's time box.
/// </summary>
public static class ContinuousProblems
{
    public const int Dims = 10;

    public static IEnumerable<BenchmarkProblem> All()
    {
        // Branin's minimum 5/(4π) is attained at (π, 2.275) among others.
        yield return new("branin", "continuous", TestFunctions.BraninSpace(), TestFunctions.Branin, 5 / (4 * Math.PI), [Math.PI, 2.275]);
        yield return new("hartmann6", "continuous", TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, Hartmann6Minimum, Hartmann6Optimum);
        yield return new("rosenbrock10", "continuous", Box("rosenbrock10", -5, 10), TestFunctions.Rosenbrock, 0, Repeat(1));
        yield return new("ackley10", "continuous", Box("ackley10", -32.768, 32.768), Ackley, 0, Repeat(0));
        yield return new("levy10", "continuous", Box("levy10", -10, 10), Levy, 0, Repeat(1));
        yield return new("styblinski10", "continuous", Box("styblinski10", -5, 5), StyblinskiTang, StyblinskiTangMinimumPerDim * Dims, Repeat(StyblinskiTangArgMin));
    }

    /// <summary>Hartmann-6's minimum and where it lies, to the precision the literature gives.</summary>
    public const double Hartmann6Minimum = -3.32236801141551;
    public static readonly double[] Hartmann6Optimum = [0.20168951265373, 0.15001069271186, 0.47687397861849, 0.27533243480813, 0.31165161547083, 0.65730053514426];

    /// <summary>Styblinski–Tang's per-coordinate minimizer (the root of 4x³ − 32x + 5 near −2.9) and minimum there.</summary>
    public const double StyblinskiTangArgMin = -2.903534027771178;
    public static readonly double StyblinskiTangMinimumPerDim = 0.5 * (Math.Pow(StyblinskiTangArgMin, 4) - 16 * StyblinskiTangArgMin * StyblinskiTangArgMin + 5 * StyblinskiTangArgMin);

    /// <summary>Ackley with a = 20, b = 0.2, c = 2π; minimum 0 at the origin.</summary>
    public static double Ackley(IReadOnlyList<double> x)
    {
        double squares = 0, cosines = 0;
        foreach (double v in x) { squares += v * v; cosines += Math.Cos(2 * Math.PI * v); }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(squares / x.Count)) - Math.Exp(cosines / x.Count) + 20 + Math.E;
    }

    /// <summary>Levy with w = 1 + (x − 1)/4; minimum 0 at (1, …, 1).</summary>
    public static double Levy(IReadOnlyList<double> x)
    {
        static double W(double v) => 1 + (v - 1) / 4;
        int d = x.Count;
        double w1 = W(x[0]), wd = W(x[d - 1]);
        double sum = Math.Pow(Math.Sin(Math.PI * w1), 2);
        for (int i = 0; i < d - 1; i++)
        {
            double w = W(x[i]);
            sum += (w - 1) * (w - 1) * (1 + 10 * Math.Pow(Math.Sin(Math.PI * w + 1), 2));
        }
        return sum + (wd - 1) * (wd - 1) * (1 + Math.Pow(Math.Sin(2 * Math.PI * wd), 2));
    }

    /// <summary>Styblinski–Tang: ½ Σ (x⁴ − 16x² + 5x).</summary>
    public static double StyblinskiTang(IReadOnlyList<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v * v * v * v - 16 * v * v + 5 * v;
        return 0.5 * sum;
    }

    private static SearchSpace Box(string name, double low, double high) =>
        new(name, Enumerable.Range(0, Dims).Select(i => new ParameterSpec("x" + i, ParameterKind.Float, low, high)).ToArray());

    private static double[] Repeat(double value) => Enumerable.Repeat(value, Dims).ToArray();
}
