using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>Small numeric helpers shared by samplers and pruners (kept internal: not part of the contract).</summary>
internal static class SamplingMath
{
    /// <summary>A value turned into a "lower is better" score, so the algorithms are written once for both directions.</summary>
    public static double Score(double value, Direction direction) => direction switch
    {
        Direction.Minimize => value,
        Direction.Maximize => -value,
        _ => throw new ArgumentException("Direction is Auto; samplers and pruners need Maximize or Minimize.", nameof(direction)),
    };

    /// <summary>The grid step of an int parameter (a declared 0 means 1).</summary>
    public static double IntStep(ParameterSpec p) => p.Step > 0 ? p.Step : 1;

    /// <summary>The largest grid value of an int parameter (High itself when High - Low is a multiple of the step).</summary>
    public static double IntTop(ParameterSpec p) => p.Low + (p.Cardinality!.Value - 1) * IntStep(p);

    /// <summary>Rounds an int parameter's value to its nearest grid point, always within bounds.</summary>
    public static double SnapInt(ParameterSpec p, double x)
    {
        double step = IntStep(p);
        long k = (long)Math.Round((x - p.Low) / step, MidpointRounding.AwayFromZero);
        long last = p.Cardinality!.Value - 1;
        if (k < 0) k = 0; else if (k > last) k = last;
        return p.Low + k * step;
    }

    /// <summary>Index of an int value on its grid, or of a categorical choice; -1 for NaN or off-range values.</summary>
    public static long GridIndex(ParameterSpec p, double x)
    {
        if (double.IsNaN(x)) return -1;
        long k = p.Kind == ParameterKind.Int ? (long)Math.Round((x - p.Low) / IntStep(p)) : (long)Math.Round(x);
        return k >= 0 && k < p.Cardinality!.Value ? k : -1;
    }

    /// <summary>One value drawn from the parameter's prior: uniform, log-uniform, uniform on the int grid
    /// (log-uniform over the cells for Log ints) or a uniform choice index. Always within bounds.</summary>
    public static double SampleUniform(ParameterSpec p, Random random)
    {
        switch (p.Kind)
        {
            case ParameterKind.Categorical:
                return random.Next(p.Choices!.Count);
            case ParameterKind.Int when !p.Log:
                return p.Low + random.NextInt64(p.Cardinality!.Value) * IntStep(p);
            case ParameterKind.Int:
            {
                // Each integer n owns the cell [n - step/2, n + step/2]; drawing log-uniformly over the cells and rounding
                // gives the end points their fair share instead of half of it.
                double step = IntStep(p);
                double lo = p.Low - step / 2 > 0 ? Math.Log(p.Low - step / 2) : Math.Log(p.Low);
                double hi = Math.Log(IntTop(p) + step / 2);
                return SnapInt(p, Math.Exp(lo + random.NextDouble() * (hi - lo)));
            }
            default:
            {
                if (p.High <= p.Low) return p.Low;
                double x = p.Log
                    ? Math.Exp(Math.Log(p.Low) + random.NextDouble() * (Math.Log(p.High) - Math.Log(p.Low)))
                    : p.Low + random.NextDouble() * (p.High - p.Low);
                return Math.Clamp(x, p.Low, p.High); // exp/log and the product can round one ulp past a bound
            }
        }
    }

    /// <summary>A fresh vector from the prior; inactive conditional parameters are NaN.</summary>
    public static double[] SampleUniform(SearchSpace space, Random random)
    {
        var values = new double[space.Parameters.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = space.IsActive(i, values) ? SampleUniform(space.Parameters[i], random) : double.NaN;
        return values;
    }

    /// <summary>A standard normal draw (Box–Muller; one of the pair is discarded, which keeps the sampler stateless).</summary>
    public static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1]
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Standard normal CDF. .NET has no erf, so this goes through <see cref="Erfc"/>; its accuracy is plenty
    /// for kernel truncation masses.</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2.0));

    private const double CdfTableLimit = 8;
    private const int CdfTableSize = 8192;
    private static readonly double[] CdfTable = BuildCdfTable();

    private static double[] BuildCdfTable()
    {
        var table = new double[CdfTableSize + 1];
        for (int i = 0; i <= CdfTableSize; i++) table[i] = NormalCdf(-CdfTableLimit + 2 * CdfTableLimit * i / CdfTableSize);
        return table;
    }

    /// <summary><see cref="NormalCdf"/> by linear interpolation in a table (error &lt; 1e-7, a few ns instead of an exp):
    /// TPE needs two of these per kernel per dimension each time it fits, thousands per proposal.</summary>
    public static double FastNormalCdf(double z)
    {
        if (z <= -CdfTableLimit) return 0;
        if (z >= CdfTableLimit) return 1;
        double u = (z + CdfTableLimit) * (CdfTableSize / (2 * CdfTableLimit));
        int i = (int)u;
        if (i >= CdfTableSize) return CdfTable[CdfTableSize];
        double f = u - i;
        return CdfTable[i] + f * (CdfTable[i + 1] - CdfTable[i]);
    }

    /// <summary>Complementary error function (Numerical Recipes' erfcc fit, fractional error &lt; 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                   t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
                   t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /// <summary>True when the trial's values fit the space: one per parameter, each active one within its range, on its
    /// grid or a valid choice. Samplers simply ignore trials that do not fit: after a space migration that narrowed a
    /// range (<see cref="SpaceChange.AllowNarrowing"/>), the old trials outside it are kept but not used.</summary>
    public static bool Fits(SearchSpace space, FrozenTrial trial) => ConfigurationCheck.Fits(space, trial.Values);

    /// <summary>The trial's value at the largest step it reported, with that step; (-1, NaN) when none.</summary>
    public static (int Step, double Value) LastIntermediate(IReadOnlyDictionary<int, double> intermediate)
    {
        int step = -1; double value = double.NaN;
        foreach (var (s, v) in intermediate)
            if (s > step) { step = s; value = v; }
        return (step, value);
    }
}
