using System;

namespace Attune.Search;

/// <summary>
/// The Matérn-5/2 kernel with one length scale per parameter (ARD), k(a, b) = s·m(r), m(r) = (1 + √5 r + 5r²/3)·e^(−√5 r),
/// r² = Σ_d t_d(a, b) / ℓ_d². The per-parameter term t_d is what makes it work on mixed spaces:
/// <list type="bullet">
/// <item>numeric: (a_d − b_d)² in the [0, 1] encoding;</item>
/// <item>categorical: 0 when both chose the same, 1 otherwise (a Hamming distance; choices have no order);</item>
/// <item>conditional: 0 when both are inactive (they agree: neither has the parameter), 1 when exactly one is (as far
/// apart as the ends of the range), so trials on different branches are further apart than their parent's mismatch
/// alone says.</item>
/// </list>
/// Matérn-5/2 rather than the squared exponential: twice differentiable, yet not so smooth that a GP fitted on few points
/// extrapolates wildly (Snoek et al. 2012, the choice of Optuna's and BoTorch's GP samplers too).
/// </summary>
internal static class Matern52Kernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    /// <summary>t_d(a, b) for one parameter; see the class remarks.</summary>
    public static double Term(double a, double b, bool categorical)
    {
        bool na = double.IsNaN(a), nb = double.IsNaN(b);
        if (na || nb) return na && nb ? 0 : 1;
        if (categorical) return a == b ? 0 : 1;
        double diff = a - b;
        return diff * diff;
    }

    /// <summary>r² between two encoded points, given 1/ℓ_d².</summary>
    public static double SquaredDistance(double[] a, double[] b, double[] inverseSquaredLengths, bool[] categorical)
    {
        double r2 = 0;
        for (int d = 0; d < a.Length; d++) r2 += Term(a[d], b[d], categorical[d]) * inverseSquaredLengths[d];
        return r2;
    }

    /// <summary>m(r) for a given r² (unit signal variance).</summary>
    public static double Value(double r2)
    {
        double r = Math.Sqrt(r2);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>dm/d(r²) = −(5/6)(1 + √5 r)·e^(−√5 r): finite at r = 0, which is why the gradients go through r² rather than r.</summary>
    public static double DerivativeBySquaredDistance(double r2)
    {
        double r = Math.Sqrt(r2);
        return -5.0 / 6.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }
}
