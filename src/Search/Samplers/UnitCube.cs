using System;

namespace Attune.Search;

/// <summary>
/// Maps a parameter to and from [0, 1], for samplers that work in the unit cube (CMA-ES, Sobol). Floats map linearly, or
/// linearly in log space when Log. Ints map over their cells [n − step/2, n + step/2] (log cells for Log ints, as
/// <see cref="SamplingMath.SampleUniform(ParameterSpec, Random)"/> draws them), so the end values of the grid own as much
/// of the cube as the others. Categoricals split [0, 1) into equal parts, one per choice.
/// </summary>
internal static class UnitCube
{
    /// <summary>The parameter value at <paramref name="u"/> ∈ [0, 1] (values outside are clamped): always within bounds,
    /// ints on their grid, categoricals a valid index.</summary>
    public static double FromUnit(ParameterSpec p, double u)
    {
        u = double.IsNaN(u) ? 0.5 : Math.Clamp(u, 0, 1);
        switch (p.Kind)
        {
            case ParameterKind.Categorical:
            {
                int n = p.Choices!.Count;
                return Math.Min((int)(u * n), n - 1);
            }
            case ParameterKind.Int:
            {
                var (lo, hi) = IntCells(p);
                double x = lo + u * (hi - lo);
                return SamplingMath.SnapInt(p, p.Log ? Math.Exp(x) : x);
            }
            default:
            {
                if (p.High <= p.Low) return p.Low;
                double x = p.Log
                    ? Math.Exp(Math.Log(p.Low) + u * (Math.Log(p.High) - Math.Log(p.Low)))
                    : p.Low + u * (p.High - p.Low);
                return Math.Clamp(x, p.Low, p.High); // exp/log and the product can round one ulp past a bound
            }
        }
    }

    /// <summary>Where a numeric parameter's value lies in [0, 1] (the inverse of <see cref="FromUnit"/>; an int lands
    /// at the centre of its cell). NaN stays NaN.</summary>
    public static double ToUnit(ParameterSpec p, double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        switch (p.Kind)
        {
            case ParameterKind.Categorical:
                return (Math.Round(x) + 0.5) / p.Choices!.Count;
            case ParameterKind.Int:
            {
                var (lo, hi) = IntCells(p);
                double v = p.Log ? Math.Log(Math.Max(x, double.Epsilon)) : x;
                return hi > lo ? Math.Clamp((v - lo) / (hi - lo), 0, 1) : 0.5;
            }
            default:
            {
                if (p.High <= p.Low) return 0.5;
                double u = p.Log
                    ? (Math.Log(x) - Math.Log(p.Low)) / (Math.Log(p.High) - Math.Log(p.Low))
                    : (x - p.Low) / (p.High - p.Low);
                return Math.Clamp(u, 0, 1);
            }
        }
    }

    /// <summary>The interval an int parameter's cells cover, in log space for Log ints (whose lowest cell starts at Low
    /// itself when Low − step/2 would not be positive).</summary>
    private static (double Low, double High) IntCells(ParameterSpec p)
    {
        double step = SamplingMath.IntStep(p), top = SamplingMath.IntTop(p);
        if (!p.Log) return (p.Low - step / 2, top + step / 2);
        double lo = p.Low - step / 2 > 0 ? Math.Log(p.Low - step / 2) : Math.Log(p.Low);
        return (lo, Math.Log(top + step / 2));
    }
}
