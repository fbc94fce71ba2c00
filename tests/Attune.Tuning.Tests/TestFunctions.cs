using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>Classic optimization benchmarks (minimize), for sampler tests and benchmarks.</summary>
public static class TestFunctions
{
    /// <summary>Branin on x0 ∈ [-5, 10], x1 ∈ [0, 15]; global minimum 0.397887 at three points.</summary>
    public static double Branin(IReadOnlyList<double> x)
    {
        double x1 = x[0], x2 = x[1];
        const double a = 1, r = 6, s = 10;
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double q = x2 - b * x1 * x1 + c * x1 - r;
        return a * q * q + s * (1 - t) * Math.Cos(x1) + s;
    }

    public const double BraninMinimum = 0.397887;

    public static SearchSpace BraninSpace() => new("branin", new ParameterSpec[]
    {
        new("x0", ParameterKind.Float, -5, 10),
        new("x1", ParameterKind.Float, 0, 15),
    });

    private static readonly double[] HartmannAlpha = { 1.0, 1.2, 3.0, 3.2 };
    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };
    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    /// <summary>Hartmann-6 on [0, 1]^6; global minimum -3.32237.</summary>
    public static double Hartmann6(IReadOnlyList<double> x)
    {
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 6; j++) { double d = x[j] - HartmannP[i, j]; inner += HartmannA[i, j] * d * d; }
            sum += HartmannAlpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }

    public const double Hartmann6Minimum = -3.32237;

    public static SearchSpace Hartmann6Space() => Spaces.Box(6, 0, 1);

    /// <summary>Rosenbrock in any dimension (usually on [-5, 10]^d or [-2, 2]^d); minimum 0 at (1, …, 1).</summary>
    public static double Rosenbrock(IReadOnlyList<double> x)
    {
        double sum = 0;
        for (int i = 0; i + 1 < x.Count; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }
        return sum;
    }

    /// <summary>Runs <paramref name="trials"/> sequential trials of <paramref name="sampler"/> on <paramref name="f"/>
    /// (minimized) and returns the best value found.</summary>
    public static double Optimize(ISampler sampler, SearchSpace space, Func<IReadOnlyList<double>, double> f, int trials, int seed)
    {
        var random = new Random(seed);
        var history = new List<FrozenTrial>(trials);
        double best = double.PositiveInfinity;
        for (int i = 0; i < trials; i++)
        {
            var x = sampler.Sample(space, history, Direction.Minimize, random);
            double y = f(x);
            best = Math.Min(best, y);
            history.Add(TrialFactory.Complete(i, x, y));
        }
        return best;
    }
}
