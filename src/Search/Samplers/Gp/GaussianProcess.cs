using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>The kernel's hyperparameters: 1/ℓ_d² per parameter, the signal variance s and the noise variance.</summary>
internal sealed record GpHyperparameters(double[] InverseSquaredLengths, double Signal, double Noise);

/// <summary>
/// A GP conditioned on encoded points and standardised values, with fixed hyperparameters: the posterior of the latent
/// function (no noise added) and its gradient with respect to a point's numeric coordinates, which the acquisition's
/// local search follows.
/// </summary>
internal sealed class GaussianProcess
{
    private readonly double[][] points;
    private readonly double[] alpha;
    private readonly Cholesky chol;
    private readonly bool[] categorical;
    private readonly double[] k, v;

    private GaussianProcess(double[][] points, double[] alpha, Cholesky chol, GpHyperparameters hyper, bool[] categorical)
    {
        this.points = points; this.alpha = alpha; this.chol = chol; this.categorical = categorical;
        Hyper = hyper;
        k = new double[points.Length];
        v = new double[points.Length];
    }

    public GpHyperparameters Hyper { get; }
    public int Count => points.Length;

    /// <summary>Conditions on <paramref name="points"/> with values <paramref name="y"/>; null when K stays singular
    /// even with added jitter (only with duplicate points and a noise at its floor).</summary>
    public static GaussianProcess? Fit(double[][] points, double[] y, GpHyperparameters hyper, bool[] categorical)
    {
        int n = points.Length;
        var K = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
                K[i * n + j] = hyper.Signal * Matern52Kernel.Value(Matern52Kernel.SquaredDistance(points[i], points[j], hyper.InverseSquaredLengths, categorical));
            K[i * n + i] = hyper.Signal + hyper.Noise;
        }
        for (double jitter = 1e-10; jitter < 1e-2; jitter *= 100)
        {
            var chol = Cholesky.TryFactor(K, n);
            if (chol is not null)
            {
                var alpha = (double[])y.Clone();
                chol.SolveLower(alpha);
                chol.SolveUpper(alpha);
                return new GaussianProcess(points, alpha, chol, hyper, categorical);
            }
            for (int i = 0; i < n; i++) K[i * n + i] += jitter * hyper.Signal;
        }
        return null;
    }

    /// <summary>The same GP with <paramref name="extra"/> points added at their own predicted mean (the kriging
    /// believer): the mean stays as it is everywhere, the variance around those points shrinks.</summary>
    public GaussianProcess? WithBelievers(IReadOnlyList<double[]> extra, double[] y)
    {
        if (extra.Count == 0) return this;
        var all = new double[points.Length + extra.Count][];
        var values = new double[all.Length];
        for (int i = 0; i < points.Length; i++) { all[i] = points[i]; values[i] = y[i]; }
        for (int r = 0; r < extra.Count; r++)
        {
            Predict(extra[r], out double mean, out _);
            all[points.Length + r] = extra[r];
            values[points.Length + r] = mean;
        }
        return Fit(all, values, Hyper, categorical);
    }

    /// <summary>Posterior mean and variance of the latent function at <paramref name="x"/> (an effective point: NaN
    /// where inactive).</summary>
    public void Predict(double[] x, out double mean, out double variance)
    {
        var ils = Hyper.InverseSquaredLengths;
        double s = Hyper.Signal, m = 0;
        for (int i = 0; i < points.Length; i++)
        {
            k[i] = s * Matern52Kernel.Value(Matern52Kernel.SquaredDistance(x, points[i], ils, categorical));
            m += k[i] * alpha[i];
            v[i] = k[i];
        }
        chol.SolveLower(v);
        double vv = 0;
        for (int i = 0; i < v.Length; i++) vv += v[i] * v[i];
        mean = m;
        variance = Math.Max(s - vv, 1e-12 * s);
    }

    /// <summary><see cref="Predict"/> plus the gradients of the mean and variance with respect to the coordinates listed
    /// in <paramref name="dims"/> (numeric parameters active at <paramref name="x"/>).</summary>
    public void PredictWithGradient(double[] x, int[] dims, double[] gradMean, double[] gradVariance, out double mean, out double variance)
    {
        Predict(x, out mean, out variance);
        // w = K⁻¹ k: v already holds L⁻¹ k.
        var w = (double[])v.Clone();
        chol.SolveUpper(w);
        var ils = Hyper.InverseSquaredLengths;
        double s = Hyper.Signal;
        Array.Clear(gradMean, 0, dims.Length);
        Array.Clear(gradVariance, 0, dims.Length);
        for (int i = 0; i < points.Length; i++)
        {
            var p = points[i];
            double r2 = Matern52Kernel.SquaredDistance(x, p, ils, categorical);
            double dk = s * Matern52Kernel.DerivativeBySquaredDistance(r2);
            for (int j = 0; j < dims.Length; j++)
            {
                int d = dims[j];
                if (double.IsNaN(p[d])) continue; // the term is a constant 1 against an inactive coordinate
                double g = dk * 2 * (x[d] - p[d]) * ils[d];
                gradMean[j] += alpha[i] * g;
                gradVariance[j] -= 2 * w[i] * g;
            }
        }
        if (variance <= 1e-12 * s) Array.Clear(gradVariance, 0, dims.Length); // clamped: flat
    }
}
