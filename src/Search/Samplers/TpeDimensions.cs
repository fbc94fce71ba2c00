using System;

namespace Attune.Search;

/// <summary>
/// The space as TPE sees it: each numeric parameter in a transformed coordinate (log for Log parameters) with bounds,
/// ints widened by half a step on each side so every grid point owns an equal cell; categoricals by index.
/// </summary>
internal sealed class TpeDimensions
{
    public TpeDimensions(SearchSpace space)
    {
        Space = space;
        int n = space.Parameters.Count;
        Count = n;
        Low = new double[n]; High = new double[n]; LogRange = new double[n];
        IsCategorical = new bool[n]; Constant = new bool[n]; Choices = new int[n];
        for (int d = 0; d < n; d++)
        {
            var p = space.Parameters[d];
            if (p.Kind == ParameterKind.Categorical)
            {
                IsCategorical[d] = true;
                Choices[d] = p.Choices!.Count;
                Constant[d] = Choices[d] <= 1;
                continue;
            }
            double lo = p.Low, hi = p.High;
            if (p.Kind == ParameterKind.Int)
            {
                double step = SamplingMath.IntStep(p);
                hi = SamplingMath.IntTop(p) + step / 2;
                lo = p.Log && p.Low - step / 2 <= 0 ? p.Low : p.Low - step / 2;
                Constant[d] = p.Cardinality <= 1;
            }
            else Constant[d] = p.High <= p.Low;
            Low[d] = p.Log ? Math.Log(lo) : lo;
            High[d] = p.Log ? Math.Log(hi) : hi;
            LogRange[d] = Constant[d] ? 0 : Math.Log(High[d] - Low[d]);
        }
    }

    public SearchSpace Space { get; }
    public int Count { get; }
    public double[] Low { get; }
    public double[] High { get; }
    /// <summary>log(High - Low): minus the log density of the uniform prior in the transformed coordinate.</summary>
    public double[] LogRange { get; }
    public bool[] IsCategorical { get; }
    /// <summary>A parameter with one possible value carries no information; densities skip it.</summary>
    public bool[] Constant { get; }
    public int[] Choices { get; }

    /// <summary>Internal value → transformed coordinate (NaN stays NaN).</summary>
    public double Forward(int d, double x) => Space.Parameters[d].Log && !IsCategorical[d] ? Math.Log(x) : x;

    /// <summary>Transformed coordinate → a valid internal value: back from log, onto the int grid, into bounds.</summary>
    public double Backward(int d, double y)
    {
        var p = Space.Parameters[d];
        if (IsCategorical[d]) return y;
        double x = p.Log ? Math.Exp(y) : y;
        return p.Kind == ParameterKind.Int ? SamplingMath.SnapInt(p, x) : Math.Clamp(x, p.Low, p.High);
    }
}
