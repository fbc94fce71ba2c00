using Attune.Search;

namespace Attune.SweepBench.Problems;

/// <summary>
/// Mixed spaces shaped like real sweeps: a categorical that moves a log-scale optimum, and an integer-heavy space.
/// Smooth, with known minima at points every sampler can represent exactly (on the integer grids, inside the bounds).
/// </summary>
public static class MixedProblems
{
    public static IEnumerable<BenchmarkProblem> All()
    {
        yield return new("mixed", "mixed", MixedFunction.Space(), MixedFunction.Evaluate, MixedFunction.Minimum, [1e-3, 6, 3]);
        yield return new("int-heavy", "mixed", IntHeavySpace(), IntHeavy, 0, [4, 128, 64, 30, 8, 300, 0.1]);
    }

    /// <summary>Six integers (one log-scaled, two on coarse steps) and one float: layers [1, 8], width [16, 1024] log,
    /// batch [8, 256] step 8, epochs [1, 50], heads [1, 16], warmup [0, 1000] step 50, dropout [0, 0.5].</summary>
    public static SearchSpace IntHeavySpace() => new("int-heavy",
    [
        new ParameterSpec("layers", ParameterKind.Int, 1, 8, Step: 1),
        new ParameterSpec("width", ParameterKind.Int, 16, 1024, Log: true, Step: 1),
        new ParameterSpec("batch", ParameterKind.Int, 8, 256, Step: 8),
        new ParameterSpec("epochs", ParameterKind.Int, 1, 50, Step: 1),
        new ParameterSpec("heads", ParameterKind.Int, 1, 16, Step: 1),
        new ParameterSpec("warmup", ParameterKind.Int, 0, 1000, Step: 50),
        new ParameterSpec("dropout", ParameterKind.Float, 0, 0.5),
    ]);

    /// <summary>The best width halves with each extra layer (log2 width* = 11 − layers), so width and layers interact;
    /// the rest are bowls of different steepness. Minimum 0 at layers 4, width 128, batch 64, epochs 30, heads 8,
    /// warmup 300, dropout 0.1.</summary>
    public static double IntHeavy(IReadOnlyList<double> x)
    {
        double layers = x[0], width = Math.Log2(x[1]) - (11 - layers), batch = (x[2] - 64) / 64, epochs = (x[3] - 30) / 10;
        double heads = x[4] - 8, warmup = x[5] / 1000 - 0.3, dropout = x[6] - 0.1;
        return 0.1 * (layers - 4) * (layers - 4) + 0.5 * width * width + batch * batch + 0.5 * epochs * epochs
            + 0.02 * heads * heads + warmup * warmup + 4 * dropout * dropout;
    }
}
