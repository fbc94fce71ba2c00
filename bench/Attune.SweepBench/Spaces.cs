using Attune.Search;

namespace Attune.SweepBench;

/// <summary>The 5-parameter space of the overhead benchmark: 3 floats (one log-uniform), 1 int, 1 categorical.</summary>
public sealed record OverheadSpace(double X, double Y, double Lr, int N, string Act) : ITuneSpace<OverheadSpace>
{
    public static readonly string[] Acts = ["relu", "gelu", "tanh", "sigmoid"];

    public static SearchSpace Space { get; } = new("overhead",
    [
        new ParameterSpec("x", ParameterKind.Float, 0, 1),
        new ParameterSpec("y", ParameterKind.Float, -5, 5),
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1e-1, Log: true),
        new ParameterSpec("n", ParameterKind.Int, 1, 100, Step: 1),
        new ParameterSpec("act", ParameterKind.Categorical, Choices: Acts),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, ConsoleProgress = false };

    public static OverheadSpace Decode(IReadOnlyList<double> v) => new(v[0], v[1], v[2], (int)v[3], Acts[(int)v[4]]);

    public double[] Encode() => [X, Y, Lr, N, Array.IndexOf(Acts, Act)];

    /// <summary>The trivial objective: a few flops.</summary>
    public double Objective() => X * X + Y * Y + Math.Abs(Math.Log10(Lr) + 3) + N / 100.0 + Array.IndexOf(Acts, Act) * 0.1;
}

/// <summary>
/// The mixed quality benchmark: a log-uniform learning rate in [1e-5, 1], an int depth in [1, 10] and a categorical
/// activation {relu, tanh, sigmoid, gelu}. f = (log10 lr + 3 + s_act)² + 0.05 (depth − 6)² + p_act, with the lr optimum
/// shifted per activation (s = 0, 0.5, −1, 0) and activation penalties p = 0.5, 0.3, 1.0, 0. Known minimum 0 at
/// lr = 1e-3, depth = 6, gelu.
/// </summary>
public static class MixedFunction
{
    public static readonly string[] Acts = ["relu", "tanh", "sigmoid", "gelu"];
    private static readonly double[] Shift = [0, 0.5, -1, 0];
    private static readonly double[] Penalty = [0.5, 0.3, 1.0, 0];

    public const double Minimum = 0;

    public static SearchSpace Space() => new("mixed",
    [
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1, Log: true),
        new ParameterSpec("depth", ParameterKind.Int, 1, 10, Step: 1),
        new ParameterSpec("act", ParameterKind.Categorical, Choices: Acts),
    ]);

    public static double Evaluate(IReadOnlyList<double> x)
    {
        int act = (int)x[2];
        double a = Math.Log10(x[0]) + 3 + Shift[act], d = x[1] - 6;
        return a * a + 0.05 * d * d + Penalty[act];
    }
}
