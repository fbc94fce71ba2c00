using System;

namespace Attune.Search;

/// <summary>
/// Fits the kernel's hyperparameters by maximising the log marginal likelihood plus weak log-normal priors (a MAP
/// estimate), over θ = (log ℓ_1 … log ℓ_D, log s, log noise) in a box, from several starting points.
/// <list type="bullet">
/// <item>Length scales: log ℓ ~ N(√2 − 1 + ½ log D, 3): the dimension-scaled prior of Hvarfner et al. 2024 ("Vanilla
/// Bayesian optimization performs great in high dimensions", BoTorch's default, centred at √2 + ½ log D), moved one
/// e-fold shorter. Long scales stay the default belief, more so in more dimensions, so a few points do not make the
/// model wiggle; the shift was measured on SweepBench's quality problems at 25–50 trials (20 seeds), where BoTorch's
/// centre left Hartmann-6 under-fitted (median regret at 50 trials 0.51 against 0.28).</item>
/// <item>Signal variance: log s ~ N(0, 1); the outputs are standardised, so 1 is the natural scale.</item>
/// <item>Noise variance: log σ² ~ N(−8, 1), with a floor of 1e-6. BoTorch centres it at −4; measured at 25 trials
/// (20 seeds), that much assumed noise made the GP re-sample its incumbent's neighbourhood and miss a small int effect
/// on the mixed problem (median regret 0.51 against 2.7e-4 at −8), and −8 was better on Branin and Hartmann-6 too.
/// Noisy objectives can still raise it through the likelihood: an ad-hoc check on Branin plus Gaussian noise (sd 1 and
/// 5, 50 trials, 10 seeds, regret of the best-observed trial) kept the GP ahead of TPE, median regret 0.24 against 0.78
/// and 0.98 against 1.36.</item>
/// </list>
/// </summary>
internal static class GpHyperparameterFit
{
    private const double LogLengthLow = -4.6, LogLengthHigh = 4.6;      // ℓ in [0.01, 100]
    private const double LogSignalLow = -4.6, LogSignalHigh = 4.6;      // s in [0.01, 100]
    private const double LogNoiseLow = -13.8, LogNoiseHigh = 0;         // noise in [1e-6, 1]
    private static readonly double LengthPriorSd = Math.Sqrt(3);
    private const double SignalPriorMean = 0, SignalPriorSd = 1, NoisePriorMean = -8, NoisePriorSd = 1;

    public static GpHyperparameters Fit(double[][] points, double[] y, bool[] categorical, int restarts, int maxIterations, Random random)
    {
        int n = points.Length, D = categorical.Length;
        double lengthPriorMean = Math.Sqrt(2) - 1 + 0.5 * Math.Log(Math.Max(D, 1));
        // Per pair (i > j) and parameter: the distance term t_d, which does not depend on θ; computed once per fit.
        int pairs = n * (n - 1) / 2;
        var terms = new double[D][];
        for (int d = 0; d < D; d++)
        {
            var t = terms[d] = new double[pairs];
            int p = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < i; j++) t[p++] = Matern52Kernel.Term(points[i][d], points[j][d], categorical[d]);
        }

        var lower = new double[D + 2];
        var upper = new double[D + 2];
        for (int d = 0; d < D; d++) { lower[d] = LogLengthLow; upper[d] = LogLengthHigh; }
        lower[D] = LogSignalLow; upper[D] = LogSignalHigh;
        lower[D + 1] = LogNoiseLow; upper[D + 1] = LogNoiseHigh;

        var K = new double[n * n];
        var r2 = new double[pairs];
        var ils = new double[D];
        double Objective(double[] theta, double[] gradient)
        {
            for (int d = 0; d < D; d++) ils[d] = Math.Exp(-2 * theta[d]);
            double s = Math.Exp(theta[D]), noise = Math.Exp(theta[D + 1]);
            int p = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < i; j++, p++)
                {
                    double sum = 0;
                    for (int d = 0; d < D; d++) sum += terms[d][p] * ils[d];
                    r2[p] = sum;
                    K[i * n + j] = s * Matern52Kernel.Value(sum);
                }
                K[i * n + i] = s + noise;
            }
            var chol = Cholesky.TryFactor(K, n);
            if (chol is null) return double.PositiveInfinity; // the line search backs off
            var alpha = (double[])y.Clone();
            chol.SolveLower(alpha);
            chol.SolveUpper(alpha);
            double fit = 0;
            for (int i = 0; i < n; i++) fit += y[i] * alpha[i];
            double lml = -0.5 * fit - 0.5 * chol.LogDeterminant() - 0.5 * n * Math.Log(2 * Math.PI);

            // dLML/dθ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ); W = ααᵀ − K⁻¹ is symmetric, so off-diagonal pairs count twice.
            var inverse = chol.Inverse();
            Array.Clear(gradient);
            double gSignal = 0, gNoise = 0;
            p = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < i; j++, p++)
                {
                    double w = alpha[i] * alpha[j] - inverse[i * n + j];
                    gSignal += w * K[i * n + j];
                    double common = w * s * Matern52Kernel.DerivativeBySquaredDistance(r2[p]) * -2;
                    for (int d = 0; d < D; d++) gradient[d] += common * terms[d][p] * ils[d];
                }
                double wii = alpha[i] * alpha[i] - inverse[i * n + i];
                gSignal += 0.5 * wii * s;
                gNoise += 0.5 * wii * noise;
            }
            gradient[D] = gSignal;
            gradient[D + 1] = gNoise;

            // Priors, then flip the sign: the optimiser minimises.
            double logPrior = 0;
            for (int d = 0; d < D; d++) logPrior += Prior(theta[d], lengthPriorMean, LengthPriorSd, ref gradient[d]);
            logPrior += Prior(theta[D], SignalPriorMean, SignalPriorSd, ref gradient[D]);
            logPrior += Prior(theta[D + 1], NoisePriorMean, NoisePriorSd, ref gradient[D + 1]);
            for (int i = 0; i < gradient.Length; i++) gradient[i] = -gradient[i];
            return -(lml + logPrior);
        }

        double[]? best = null;
        double bestValue = double.PositiveInfinity;
        for (int restart = 0; restart < restarts; restart++)
        {
            var theta = new double[D + 2];
            for (int d = 0; d < D; d++)
                theta[d] = restart switch
                {
                    0 => lengthPriorMean,
                    1 => Math.Log(0.2),   // short scales: a start on the wiggly side of the likelihood's modes
                    _ => lengthPriorMean + LengthPriorSd * SamplingMath.StandardNormal(random),
                };
            theta[D] = restart < 2 ? SignalPriorMean : SignalPriorMean + SignalPriorSd * SamplingMath.StandardNormal(random);
            theta[D + 1] = restart < 2 ? NoisePriorMean : NoisePriorMean + NoisePriorSd * SamplingMath.StandardNormal(random);
            double value = BoxLbfgs.Minimize(Objective, theta, lower, upper, maxIterations);
            if (value < bestValue) { bestValue = value; best = theta; }
        }
        best ??= Start(D, lengthPriorMean, lower, upper);
        var result = new double[D];
        for (int d = 0; d < D; d++) result[d] = Math.Exp(-2 * best[d]);
        return new GpHyperparameters(result, Math.Exp(best[D]), Math.Exp(best[D + 1]));
    }

    /// <summary>The priors' centre: what the GP believes before any fit succeeds.</summary>
    private static double[] Start(int D, double lengthPriorMean, double[] lower, double[] upper)
    {
        var theta = new double[D + 2];
        for (int d = 0; d < D; d++) theta[d] = lengthPriorMean;
        theta[D] = SignalPriorMean;
        theta[D + 1] = NoisePriorMean;
        for (int i = 0; i < theta.Length; i++) theta[i] = Math.Clamp(theta[i], lower[i], upper[i]);
        return theta;
    }

    /// <summary>log N(x; mean, sd²) up to a constant; adds its derivative to <paramref name="gradient"/>.</summary>
    private static double Prior(double x, double mean, double sd, ref double gradient)
    {
        double z = (x - mean) / sd;
        gradient += -z / sd;
        return -0.5 * z * z;
    }
}
