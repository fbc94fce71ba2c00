using System;

namespace Attune.Search;

/// <summary>
/// The logarithm of expected improvement below an incumbent, for a Gaussian posterior: log EI = log σ + log h(z),
/// z = (best − μ)/σ, h(z) = z·Φ(z) + φ(z). Plain EI underflows to exactly zero a few standard deviations away from the
/// incumbent, leaving the optimiser a flat landscape; its logarithm keeps a slope everywhere (Ament et al. 2023,
/// "Unexpected improvements to expected improvement", the acquisition of Optuna's and BoTorch's GP samplers).
/// </summary>
internal static class LogExpectedImprovement
{
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>log h(z) and its derivative d log h / dz = Φ(z)/h(z).</summary>
    public static double LogH(double z, out double derivative)
    {
        if (z > -3)
        {
            double pdf = Math.Exp(-0.5 * z * z - LogSqrt2Pi);
            double cdf = SamplingMath.NormalCdf(z);
            double h = z * cdf + pdf;
            derivative = cdf / h;
            return Math.Log(h);
        }
        // Deep in the tail z·Φ(z) and φ(z) cancel. With t = −z and Mills' ratio R(t) = Φ(−t)/φ(t):
        // h = φ(t)·(1 − t·R(t)) and Φ(z)/h = R/(1 − t·R), both free of the cancellation once R is accurate.
        double t = -z, r = MillsRatio(t), rest = 1 - t * r;
        derivative = r / rest;
        return -0.5 * t * t - LogSqrt2Pi + Math.Log(rest);
    }

    /// <summary>Mills' ratio for t ≥ 3 by its continued fraction 1/(t + 1/(t + 2/(t + 3/(t + …)))), evaluated from the
    /// tail; 60 levels give full double precision from t = 3 on.</summary>
    private static double MillsRatio(double t)
    {
        double tail = t;
        for (int k = 60; k >= 1; k--) tail = t + k / tail;
        return 1 / tail;
    }

    /// <summary>log EI at a posterior (mean, variance) against <paramref name="best"/> (lower is better), with the
    /// derivatives by the mean and by the variance.</summary>
    public static double Value(double mean, double variance, double best, out double byMean, out double byVariance)
    {
        double sigma = Math.Sqrt(variance);
        double z = (best - mean) / sigma;
        double logH = LogH(z, out double dz);
        // d/dμ: dz/dμ = −1/σ. d/dσ²: (1/(2σ²)) from log σ, and dz/dσ² = −z/(2σ²).
        byMean = -dz / sigma;
        byVariance = (1 - z * dz) / (2 * variance);
        return Math.Log(sigma) + logH;
    }
}
