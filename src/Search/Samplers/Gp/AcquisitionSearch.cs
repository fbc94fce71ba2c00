using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Maximises log expected improvement over the encoded space: evaluate it at random candidates (plus perturbations of the
/// best trials), then refine the best few by local search that alternates between
/// <list type="bullet">
/// <item>projected L-BFGS on the numeric coordinates active at the point (ints relaxed to continuous), with the
/// acquisition's analytic gradient, and</item>
/// <item>for each active categorical parameter, every other choice (which may switch conditional parameters on or off:
/// a candidate keeps a value for every parameter, so one switched off and on again has its old value),</item>
/// </list>
/// until neither improves; finally ints and choices are rounded to what will really be proposed and the best rounded
/// point wins.
/// </summary>
internal sealed class AcquisitionSearch
{
    private readonly GpEncoding encoding;
    private readonly GaussianProcess gp;
    private readonly double best;
    private readonly double[] effective;

    public AcquisitionSearch(GpEncoding encoding, GaussianProcess gp, double best)
    {
        this.encoding = encoding; this.gp = gp; this.best = best;
        effective = new double[encoding.Count];
    }

    /// <summary>log EI at a candidate (a coordinate for every parameter).</summary>
    public double Evaluate(double[] u)
    {
        encoding.Effective(u, effective);
        gp.Predict(effective, out double mean, out double variance);
        double value = LogExpectedImprovement.Value(mean, variance, best, out _, out _);
        return double.IsNaN(value) ? double.NegativeInfinity : value;
    }

    /// <summary>The encoded proposal. <paramref name="incumbents"/>: encoded points of the best trials, best first.</summary>
    public double[] Find(GpOptions options, IReadOnlyList<double[]> incumbents, Random random)
    {
        int D = encoding.Count;
        int local = incumbents.Count == 0 ? 0 : options.Candidates / 8;
        var candidates = new List<(double Value, double[] U)>(options.Candidates);
        for (int c = 0; c < options.Candidates; c++)
        {
            var u = new double[D];
            if (c < local)
            {
                // Around one of the best trials: each numeric coordinate moved by N(0, 0.1²), each choice changed with
                // probability 1/D; coordinates inactive there get a random value.
                var center = incumbents[c % incumbents.Count];
                for (int d = 0; d < D; d++)
                {
                    if (double.IsNaN(center[d])) u[d] = RandomCoordinate(d, random);
                    else if (encoding.IsCategorical[d]) u[d] = random.NextDouble() < 1.0 / D ? random.Next(encoding.Choices[d]) : center[d];
                    else u[d] = Math.Clamp(center[d] + 0.1 * SamplingMath.StandardNormal(random), 0, 1);
                }
            }
            else
                for (int d = 0; d < D; d++) u[d] = RandomCoordinate(d, random);
            candidates.Add((Evaluate(u), u));
        }
        // Best first; ties keep generation order, so the result depends on nothing but the random stream.
        var order = new int[candidates.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => { int c = candidates[b].Value.CompareTo(candidates[a].Value); return c != 0 ? c : a.CompareTo(b); });

        double[]? winner = null;
        double winnerValue = double.NegativeInfinity;
        int starts = Math.Min(Math.Max(options.LocalSearchStarts, 1), order.Length);
        for (int s = 0; s < starts; s++)
        {
            var u = (double[])candidates[order[s]].U.Clone();
            if (s < options.LocalSearchStarts) Refine(u);
            encoding.Snap(u);
            double value = Evaluate(u);
            if (winner is null || value > winnerValue) { winner = u; winnerValue = value; }
        }
        return winner!;
    }

    private double RandomCoordinate(int d, Random random) =>
        encoding.IsCategorical[d] ? random.Next(encoding.Choices[d]) : random.NextDouble();

    /// <summary>Local search from <paramref name="u"/> (updated in place); see the class remarks.</summary>
    private void Refine(double[] u)
    {
        int D = encoding.Count;
        double value = Evaluate(u);
        var numeric = new List<int>(D);
        for (int round = 0; round < 5; round++)
        {
            bool improved = false;
            encoding.Effective(u, effective);
            numeric.Clear();
            for (int d = 0; d < D; d++) if (!encoding.IsCategorical[d] && !double.IsNaN(effective[d])) numeric.Add(d);
            if (numeric.Count > 0)
            {
                double refined = RefineNumeric(u, numeric.ToArray());
                if (refined > value + 1e-9) improved = true;
                value = Math.Max(value, refined);
            }
            if (encoding.HasCategorical)
                for (int d = 0; d < D; d++)
                {
                    if (!encoding.IsCategorical[d] || (encoding.HasConditions && !encoding.Space.IsActive(d, u))) continue;
                    double kept = u[d];
                    double bestChoice = kept;
                    for (int c = 0; c < encoding.Choices[d]; c++)
                    {
                        if (c == kept) continue;
                        u[d] = c;
                        double v = Evaluate(u);
                        if (v > value + 1e-9) { value = v; bestChoice = c; improved = true; }
                    }
                    u[d] = bestChoice;
                }
            if (!improved) break;
        }
    }

    /// <summary>L-BFGS on the coordinates <paramref name="dims"/> of <paramref name="u"/> (the others fixed); returns the
    /// log EI reached, with <paramref name="u"/> moved there.</summary>
    private double RefineNumeric(double[] u, int[] dims)
    {
        int m = dims.Length;
        var x = new double[m];
        for (int j = 0; j < m; j++) x[j] = u[dims[j]];
        var lower = new double[m];
        var upper = new double[m];
        Array.Fill(upper, 1.0);
        var gradMean = new double[m];
        var gradVariance = new double[m];
        var work = (double[])u.Clone();
        var eff = new double[u.Length];
        double Objective(double[] point, double[] gradient)
        {
            for (int j = 0; j < m; j++) work[dims[j]] = point[j];
            encoding.Effective(work, eff);
            gp.PredictWithGradient(eff, dims, gradMean, gradVariance, out double mean, out double variance);
            double value = LogExpectedImprovement.Value(mean, variance, best, out double byMean, out double byVariance);
            for (int j = 0; j < m; j++) gradient[j] = -(byMean * gradMean[j] + byVariance * gradVariance[j]);
            return double.IsNaN(value) ? double.PositiveInfinity : -value;
        }
        double reached = -BoxLbfgs.Minimize(Objective, x, lower, upper, maxIterations: 40);
        for (int j = 0; j < m; j++) u[dims[j]] = x[j];
        return reached;
    }
}
