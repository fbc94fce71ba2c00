using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// The state of a (μ/μ_w, λ)-CMA-ES in the unit cube, with the default strategy parameters of Hansen's tutorial ("The
/// CMA Evolution Strategy: A Tutorial", 2016, table 1, negative weights for the worse half included): mean, step size, covariance, both
/// evolution paths, and the eigen-decomposition sampling needs. <see cref="Tell"/> applies one generation;
/// <see cref="Ask"/> draws one point. <see cref="CmaEsSampler"/> rebuilds it from the history on every call.
/// </summary>
internal sealed class CmaState
{
    private readonly int n;
    private readonly double[] weights;
    private readonly double muEff, cSigma, dSigma, cc, c1, cMu, chiN, weightSum;
    private readonly int mu;
    private readonly double[] pSigma, pc;
    private readonly double[,] c;
    private readonly double[,] b;      // eigenvectors of C (columns)
    private readonly double[] d;       // square roots of C's eigenvalues
    private int generation;

    public CmaState(double[] mean, double sigma, int lambda)
    {
        n = mean.Length;
        Mean = (double[])mean.Clone();
        Sigma = sigma;
        Lambda = lambda;
        int mu = lambda / 2;
        // Hansen's 2016 defaults (tutorial, table 1): λ raw weights ln((λ+1)/2) − ln i, the best μ positive and summing
        // to 1, the rest negative ("active" CMA: the worst points push the covariance away from their directions),
        // scaled so that C stays positive definite.
        var raw = new double[lambda];
        double positive = 0, negative = 0, positiveSquares = 0, negativeSquares = 0;
        for (int i = 0; i < lambda; i++)
        {
            raw[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
            if (i < mu) { positive += raw[i]; positiveSquares += raw[i] * raw[i]; }
            else { negative -= raw[i]; negativeSquares += raw[i] * raw[i]; }
        }
        muEff = positive * positive / positiveSquares;
        double muEffMinus = negativeSquares > 0 ? negative * negative / negativeSquares : 0;
        cSigma = (muEff + 2) / (n + muEff + 5);
        dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        cc = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);
        cMu = Math.Min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
        double negativeScale = Math.Min(1 + c1 / cMu, Math.Min(1 + 2 * muEffMinus / (muEff + 2), (1 - c1 - cMu) / (n * cMu)));
        weights = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            weights[i] = i < mu ? raw[i] / positive : negative > 0 ? raw[i] * negativeScale / negative : 0;
            weightSum += weights[i];
        }
        this.mu = mu;
        chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        pSigma = new double[n];
        pc = new double[n];
        c = new double[n, n];
        b = new double[n, n];
        d = new double[n];
        for (int i = 0; i < n; i++) { c[i, i] = 1; b[i, i] = 1; d[i] = 1; }
    }

    /// <summary>A deep copy, so a remembered replay can be continued without being changed.</summary>
    public CmaState Clone()
    {
        var copy = new CmaState(Mean, Sigma, Lambda) { generation = generation };
        Array.Copy(pSigma, copy.pSigma, n);
        Array.Copy(pc, copy.pc, n);
        Array.Copy(c, copy.c, c.Length);
        Array.Copy(b, copy.b, b.Length);
        Array.Copy(d, copy.d, n);
        return copy;
    }

    public double[] Mean { get; }
    public double Sigma { get; private set; }
    public int Lambda { get; }
    public int Generations => generation;

    /// <summary>Hansen's default population size for <paramref name="dimensions"/> parameters.</summary>
    public static int DefaultLambda(int dimensions) => 4 + (int)Math.Floor(3 * Math.Log(dimensions));

    /// <summary>σ times the largest standard deviation along C's axes: how far apart the samples still are.</summary>
    public double Spread
    {
        get { double max = 0; foreach (var v in d) max = Math.Max(max, v); return Sigma * max; }
    }

    /// <summary>The ratio of C's largest to smallest eigenvalue.</summary>
    public double Condition
    {
        get
        {
            double max = 0, min = double.PositiveInfinity;
            foreach (var v in d) { max = Math.Max(max, v * v); min = Math.Min(min, v * v); }
            return min > 0 ? max / min : double.PositiveInfinity;
        }
    }

    /// <summary>m + σ B D z with z ~ N(0, I), drawn again up to <paramref name="maxResamples"/> times while it leaves
    /// [0, 1]^n, then clipped to the cube.</summary>
    public double[] Ask(Random random, int maxResamples)
    {
        var x = new double[n];
        var z = new double[n];
        for (int attempt = 0; ; attempt++)
        {
            for (int i = 0; i < n; i++) z[i] = d[i] * SamplingMath.StandardNormal(random);
            bool inside = true;
            for (int i = 0; i < n; i++)
            {
                double y = 0;
                for (int j = 0; j < n; j++) y += b[i, j] * z[j];
                x[i] = Mean[i] + Sigma * y;
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) return x;
            if (attempt >= maxResamples)
            {
                for (int i = 0; i < n; i++) x[i] = Math.Clamp(x[i], 0, 1);
                return x;
            }
        }
    }

    /// <summary>One generation's update from its λ points ranked best first (the values actually evaluated, which may
    /// differ from the samples by clipping and integer rounding — the update uses what was evaluated).</summary>
    public void Tell(IReadOnlyList<double[]> ranked)
    {
        if (ranked.Count != Lambda) throw new ArgumentException($"A CMA-ES generation has {Lambda} points; {ranked.Count} were given.", nameof(ranked));
        generation++;
        var ys = new double[Lambda][];
        var yw = new double[n];
        for (int k = 0; k < Lambda; k++)
        {
            var y = ys[k] = new double[n];
            for (int i = 0; i < n; i++) y[i] = (ranked[k][i] - Mean[i]) / Sigma;
            if (k < mu) for (int i = 0; i < n; i++) yw[i] += weights[k] * y[i];
        }
        for (int i = 0; i < n; i++) Mean[i] += Sigma * yw[i];

        // p_σ ← (1 − c_σ) p_σ + √(c_σ (2 − c_σ) μ_eff) C^(−1/2) y_w, with C^(−1/2) = B D⁻¹ Bᵀ.
        var whitened = InverseSqrtC(yw);
        double norm = 0, scale = Math.Sqrt(cSigma * (2 - cSigma) * muEff);
        for (int i = 0; i < n; i++)
        {
            pSigma[i] = (1 - cSigma) * pSigma[i] + scale * whitened[i];
            norm += pSigma[i] * pSigma[i];
        }
        norm = Math.Sqrt(norm);
        bool hSigma = norm / Math.Sqrt(1 - Math.Pow(1 - cSigma, 2 * generation)) < (1.4 + 2.0 / (n + 1)) * chiN;
        double pcScale = hSigma ? Math.Sqrt(cc * (2 - cc) * muEff) : 0;
        for (int i = 0; i < n; i++) pc[i] = (1 - cc) * pc[i] + pcScale * yw[i];

        // C ← (1 + c1 δ(h_σ) − c1 − cμ Σ w) C + c1 p_c p_cᵀ + cμ Σ w°_k y_k y_kᵀ, where a negative weight is rescaled by
        // n / ‖C^(−1/2) y_k‖² so that a far-off bad point cannot remove more variance than a near one.
        var effective = new double[Lambda];
        for (int k = 0; k < Lambda; k++)
        {
            if (weights[k] >= 0) { effective[k] = weights[k]; continue; }
            var z = InverseSqrtC(ys[k]);
            double squared = 0;
            foreach (var v in z) squared += v * v;
            effective[k] = squared > 0 ? weights[k] * n / squared : 0;
        }
        double delta = hSigma ? 0 : cc * (2 - cc);
        double keep = 1 + c1 * delta - c1 - cMu * weightSum;
        for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
        {
            double rankMu = 0;
            for (int k = 0; k < Lambda; k++) rankMu += effective[k] * ys[k][i] * ys[k][j];
            double v = keep * c[i, j] + c1 * pc[i] * pc[j] + cMu * rankMu;
            c[i, j] = v; c[j, i] = v;
        }

        Sigma *= Math.Exp(Math.Min(1, (cSigma / dSigma) * (norm / chiN - 1))); // the cap keeps one wild step from exploding σ
        Sigma = Math.Min(Sigma, 1); // a step size beyond the cube's width only wastes resamples

        SymmetricEigen.Decompose(c, d, b);
        for (int i = 0; i < n; i++) d[i] = Math.Sqrt(Math.Max(d[i], 1e-300));
    }

    /// <summary>C^(−1/2) v = B D⁻¹ Bᵀ v.</summary>
    private double[] InverseSqrtC(double[] v)
    {
        var bt = new double[n];
        for (int j = 0; j < n; j++) { double s = 0; for (int i = 0; i < n; i++) s += b[i, j] * v[i]; bt[j] = s / d[j]; }
        var result = new double[n];
        for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < n; j++) s += b[i, j] * bt[j]; result[i] = s; }
        return result;
    }
}
