using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>The runtime's internal numeric helpers, under the names the tests use.</summary>
internal static class SamplingMathTestAccess
{
    public static double Normal(Random random) => SamplingMath.StandardNormal(random);

    public static double[] Uniform(SearchSpace space, Random random) => SamplingMath.SampleUniform(space, random);

    /// <summary>An int on its step grid within bounds, or a valid choice index.</summary>
    public static bool OnGrid(ParameterSpec p, double x) => SamplingMath.GridIndex(p, x) >= 0 &&
        (p.Kind == ParameterKind.Categorical ? x == Math.Round(x) : Math.Abs(x - SamplingMath.SnapInt(p, x)) < 1e-9);
}
