using System;
using System.Collections.Generic;
using System.Numerics;

namespace Attune.Search;

/// <summary>
/// A Parzen (kernel density) estimator over the transformed space: one product kernel per observation plus a uniform
/// prior component. Numeric dimensions use a Gaussian truncated to the parameter's bounds; categoricals put weight
/// 1 + w on the observed choice and w on every choice, w = prior weight / (n + 1), normalised (no choice ever gets density 0).
/// <para>Conditional parameters: a kernel whose observation lacks a parameter (inactive there) is flat in that dimension,
/// and a point is scored only on the dimensions active for it. The joint density stays a proper mixture, sampling from
/// it is exact (pick a kernel, draw each active dimension from it, flat where the kernel has no value), and trials that
/// took different branches still inform the shared parameters. Simpler than grouping trials by active set, and no
/// group starves when a branch is rare.</para>
/// <para>Layout is flat arrays (kernel-major); candidates are scored in a batch and the log-density needs one exp per
/// kernel, not per dimension: the per-kernel normalizers (truncation masses) are computed once at fit time.</para>
/// </summary>
internal sealed class ParzenEstimator
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    /// <summary>The categorical smoothing used when the prior weight is 0, so that no choice ever gets density 0.</summary>
    private const double MinCategoricalSmoothing = 1e-3;

    private readonly TpeDimensions dims;
    private readonly int kernels;        // observations + prior (last, when the prior weight is positive)
    private readonly int observations;
    private readonly double priorWeight;
    private readonly double[] center;    // [k * D + d]; 0 where inactive
    private readonly double[] precision; // 1 / σ for numeric active entries, 0 where inactive (flat)
    private readonly double[] logNorm;   // numeric: log of the truncated kernel's normalizer; flat: -log range
    private readonly int[] choice;       // categorical center, -1 where inactive (flat)
    private readonly double[] logWeight; // per kernel, normalized
    private readonly double[] logHit, logMiss; // categorical kernel masses per dimension
    private readonly int[][] activeKernels;    // per dimension: observations active there (for univariate use)
    private readonly double[] scratch;

    /// <param name="dims">The transformed space.</param>
    /// <param name="points">Transformed observations, each of length D, NaN where inactive.</param>
    /// <param name="options">Prior weight and bandwidth settings.</param>
    /// <param name="scottDimensions">The dimension count in Scott's rule n^(-1/(d+4)): D for joint kernels, 1 for univariate.</param>
    /// <param name="adaptive">Per-kernel bandwidths from neighbour gaps (<see cref="TpeOptions.Bandwidth"/>) instead of one per dimension.</param>
    public ParzenEstimator(TpeDimensions dims, List<double[]> points, TpeOptions options, int scottDimensions, bool adaptive = false)
    {
        this.dims = dims;
        int D = dims.Count;
        observations = points.Count;
        priorWeight = Math.Max(0, options.PriorWeight);
        if (observations == 0 && priorWeight == 0) priorWeight = 1; // an empty estimator is the prior
        kernels = observations + (priorWeight > 0 ? 1 : 0);
        center = new double[kernels * D];
        precision = new double[kernels * D];
        logNorm = new double[kernels * D];
        choice = new int[kernels * D];
        logWeight = new double[kernels];
        var sorted = adaptive ? new double[observations] : Array.Empty<double>();
        var gap = adaptive ? new double[observations] : Array.Empty<double>();
        logHit = new double[D];
        logMiss = new double[D];
        activeKernels = new int[D][];
        scratch = new double[kernels];

        double total = observations + priorWeight;
        for (int k = 0; k < observations; k++) logWeight[k] = -Math.Log(total);
        if (priorWeight > 0) logWeight[kernels - 1] = Math.Log(priorWeight / total);

        // The nearest neighbour over all dimensions for joint kernels; for univariate estimators (scottDimensions 1) each
        // dimension stands alone and its nearest neighbour is the nearest gap there.
        var rule = options.Bandwidth == TpeBandwidth.NearestNeighbour && scottDimensions == 1 ? TpeBandwidth.NearestGap : options.Bandwidth;
        double[]? nearest = adaptive && rule == TpeBandwidth.NearestNeighbour ? NearestNeighbourDistances(dims, points) : null;
        for (int d = 0; d < D; d++)
        {
            // Per-dimension statistics over the observations active in d.
            int n = 0; double sum = 0, sumSq = 0;
            for (int k = 0; k < observations; k++)
            {
                double v = points[k][d];
                if (double.IsNaN(v)) continue;
                n++; sum += v; sumSq += v * v;
            }
            var active = new int[n];
            for (int k = 0, i = 0; k < observations; k++) if (!double.IsNaN(points[k][d])) active[i++] = k;
            activeKernels[d] = active;

            if (dims.IsCategorical[d])
            {
                int K = dims.Choices[d];
                // Each kernel weighs its observed choice 1 + w and every choice w, w = prior / (n + 1), then normalises
                // (the categorical analogue of the uniform prior, as Optuna does). The mass left to the other choices
                // grows with their number: with 12 choices and 10 good trials a good trial's kernel keeps 52% on its own
                // choice, where a fixed ε = 1/(n+1) kept 92% and left each other choice under 1%, so the search stayed
                // in the choice it happened to find first (docs/benchmarks.md, "TPE on mixed spaces").
                double w = Math.Max(priorWeight, MinCategoricalSmoothing) / (n + 1);
                double eps = K <= 1 ? 0 : K * w / (1 + K * w);
                logHit[d] = Math.Log(1 - eps + eps / K);
                logMiss[d] = K <= 1 ? 0 : Math.Log(eps / K);
                for (int k = 0; k < kernels; k++)
                {
                    double v = k < observations ? points[k][d] : double.NaN;
                    choice[k * D + d] = double.IsNaN(v) ? -1 : (int)v;
                }
                continue;
            }

            double range = dims.High[d] - dims.Low[d];
            if (dims.Constant[d] || range <= 0) continue;
            // Scott's rule on the observed spread, clipped to [range / min(1 / floor, n + 1), range]: a handful of
            // nearby good points must not collapse to spikes, and one far-off point must not flatten everything.
            double mean = n > 0 ? sum / n : 0;
            double std = n > 1 ? Math.Sqrt(Math.Max(0, sumSq / n - mean * mean)) : 0;
            double s = options.BandwidthFactor * std * Math.Pow(Math.Max(n, 1), -1.0 / (scottDimensions + 4));
            double floor = range / Math.Min(1.0 / Math.Max(options.MinBandwidthFraction, 1e-12), n + 1);
            s = Math.Clamp(s, floor, range);
            if (nearest is not null) for (int i = 0; i < active.Length; i++) gap[i] = nearest[active[i]] * range;
            else if (adaptive) NeighbourGaps(points, active, d, rule, dims.Low[d], dims.High[d], sorted, gap);
            for (int k = 0, i = 0; k < kernels; k++)
            {
                int at = k * D + d;
                double v = k < observations ? points[k][d] : double.NaN;
                if (double.IsNaN(v)) { center[at] = 0; precision[at] = 0; logNorm[at] = -dims.LogRange[d]; continue; }
                // Adaptive: this observation's own bandwidth from the gaps to its neighbours (observations sitting in
                // separate basins each get a narrow kernel instead of one width stretched across all of them).
                double sk = adaptive ? Math.Clamp(options.BandwidthFactor * gap[i++], floor, range) : s;
                double inv = 1 / sk, logS = Math.Log(sk);
                center[at] = v;
                precision[at] = inv;
                double zLow = (dims.Low[d] - v) * inv, zHigh = (dims.High[d] - v) * inv;
                // Φ(-6) ≈ 1e-9: tails that far out are not worth an erfc each (this loop runs for every kernel of g).
                double mass = (zHigh > 6 ? 1 : SamplingMath.FastNormalCdf(zHigh)) - (zLow < -6 ? 0 : SamplingMath.FastNormalCdf(zLow));
                logNorm[at] = -HalfLog2Pi - logS - Math.Log(Math.Max(mass, 1e-300));
            }
        }
    }

    /// <summary>
    /// For each observation active in d (in <paramref name="active"/> order), the gap to its neighbours among the
    /// observations' values in d: the nearest one (<see cref="TpeBandwidth.NearestGap"/>) or the larger of the left and
    /// right gaps (<see cref="TpeBandwidth.WiderGap"/>, Bergstra et al. 2011); an observation with no neighbour on one side
    /// uses the other, and a lone observation the range.
    /// </summary>
    private static void NeighbourGaps(List<double[]> points, int[] active, int d, TpeBandwidth rule, double low, double high, double[] sorted, double[] gap)
    {
        int n = active.Length;
        if (n == 0) return;
        var order = new int[n];
        for (int i = 0; i < n; i++) { sorted[i] = points[active[i]][d]; order[i] = i; }
        Array.Sort(sorted, order, 0, n);
        for (int j = 0; j < n; j++)
        {
            double left = j > 0 ? sorted[j] - sorted[j - 1] : double.NaN;
            double right = j < n - 1 ? sorted[j + 1] - sorted[j] : double.NaN;
            double g;
            if (double.IsNaN(left) && double.IsNaN(right)) g = high - low;
            else if (double.IsNaN(left)) g = right;
            else if (double.IsNaN(right)) g = left;
            else g = rule == TpeBandwidth.WiderGap ? Math.Max(left, right) : Math.Min(left, right);
            gap[order[j]] = g;
        }
    }

    /// <summary>Per observation: the distance to its nearest other observation in the numeric dimensions, each scaled to
    /// [0, 1] by its range (dimensions inactive in either skipped), divided by √(dimensions compared) so it reads as a
    /// per-dimension spacing; 1 for a lone observation.</summary>
    private static double[] NearestNeighbourDistances(TpeDimensions dims, List<double[]> points)
    {
        int n = points.Count, D = dims.Count;
        var result = new double[n];
        for (int a = 0; a < n; a++)
        {
            double best = double.PositiveInfinity;
            for (int b = 0; b < n; b++)
            {
                if (b == a) continue;
                double sq = 0; int m = 0;
                for (int d = 0; d < D; d++)
                {
                    if (dims.IsCategorical[d] || dims.Constant[d]) continue;
                    double u = points[a][d], v = points[b][d], range = dims.High[d] - dims.Low[d];
                    if (double.IsNaN(u) || double.IsNaN(v) || range <= 0) continue;
                    double z = (u - v) / range;
                    sq += z * z; m++;
                }
                if (m > 0) best = Math.Min(best, Math.Sqrt(sq / m));
            }
            result[a] = double.IsPositiveInfinity(best) ? 1 : best;
        }
        return result;
    }

    /// <summary>A kernel index drawn by weight (the prior is the last one).</summary>
    public int PickKernel(Random random)
    {
        double u = random.NextDouble() * (observations + priorWeight);
        int k = (int)u;
        return k < observations ? k : kernels - 1;
    }

    /// <summary>A draw in the transformed coordinate of dimension d from kernel k (flat where k has no value there).</summary>
    public double SampleDimension(int k, int d, Random random)
    {
        int D = dims.Count, at = k * D + d;
        if (dims.IsCategorical[d])
        {
            int c = choice[at];
            int K = dims.Choices[d];
            if (c < 0) return random.Next(K);
            double eps = Math.Exp(logMiss[d]) * K; // probability of the uniform branch
            return random.NextDouble() < eps ? random.Next(K) : c;
        }
        if (dims.Constant[d]) return dims.Low[d];
        if (precision[at] == 0) return dims.Low[d] + random.NextDouble() * (dims.High[d] - dims.Low[d]);
        // Rejection sampling: the kernel keeps at least ~1/3 of its mass inside the bounds (σ ≤ range), so few retries.
        for (int tries = 0; tries < 64; tries++)
        {
            double y = center[at] + SamplingMath.StandardNormal(random) / precision[at];
            if (y >= dims.Low[d] && y <= dims.High[d]) return y;
        }
        return Math.Clamp(center[at], dims.Low[d], dims.High[d]);
    }

    /// <summary>
    /// log densities of <paramref name="count"/> candidates at once, written to <paramref name="result"/>. Candidates are
    /// stored dimension-major: <paramref name="y"/>[d * count + c] is candidate c's transformed value in dimension d
    /// (any finite number where inactive) and <paramref name="mask"/>[d * count + c] is 1 where that dimension is active
    /// for it, 0 where not. Kernel by kernel, dimension by dimension, the kernel's parameters stay in registers while the
    /// candidates stream past; the mixture is summed with a running log-sum-exp (one exp per kernel and candidate).
    /// </summary>
    public void LogDensities(double[] y, double[] mask, int count, double[] result)
    {
        int D = dims.Count;
        // Pass 1: every kernel's log term for every candidate, into one kernel-major matrix (reused between calls on
        // this thread), tracking each candidate's maximum. Pass 2: the log-sum-exp against that final maximum, so
        // terms more than e^-40 below it (most kernels of a large g, far from the candidate) cost no exp at all.
        var terms = Scratch(ref termsScratch, kernels * count);
        var max = Scratch(ref maxScratch, count);
        var sum = Scratch(ref sumScratch, count);
        for (int c = 0; c < count; c++) max[c] = double.NegativeInfinity;
        var flatCategorical = FlatCategorical();
        for (int k = 0; k < kernels; k++)
        {
            int row = k * D;
            var acc = terms.AsSpan(k * count, count);
            acc.Fill(logWeight[k]);
            for (int d = 0; d < D; d++)
            {
                if (dims.Constant[d]) continue;
                int off = d * count;
                int at = row + d;
                if (dims.IsCategorical[d])
                {
                    int ch = choice[at];
                    double flat = flatCategorical[d], hit = logHit[d], miss = logMiss[d];
                    for (int c = 0; c < count; c++)
                        if (mask[off + c] != 0) acc[c] += ch < 0 ? flat : (ch == (int)y[off + c] ? hit : miss);
                }
                else if (precision[at] == 0)
                {
                    // Flat (the kernel has no value here): a constant for every active candidate.
                    double ln = logNorm[at];
                    for (int c = 0; c < count; c++) acc[c] += mask[off + c] * ln;
                }
                else
                {
                    double mu = center[at], p = precision[at], ln = logNorm[at];
                    var ys = y.AsSpan(off, count);
                    var ms = mask.AsSpan(off, count);
                    int c = 0;
                    if (Vector.IsHardwareAccelerated && count >= Vector<double>.Count)
                    {
                        var vMu = new Vector<double>(mu);
                        var vP = new Vector<double>(p);
                        var vLn = new Vector<double>(ln);
                        var vHalf = new Vector<double>(0.5);
                        for (; c <= count - Vector<double>.Count; c += Vector<double>.Count)
                        {
                            var z = (new Vector<double>(ys[c..]) - vMu) * vP;
                            var a = new Vector<double>(acc[c..]) + new Vector<double>(ms[c..]) * (vLn - vHalf * z * z);
                            a.CopyTo(acc[c..]);
                        }
                    }
                    for (; c < count; c++)
                    {
                        double z = (ys[c] - mu) * p;
                        acc[c] += ms[c] * (ln - 0.5 * z * z);
                    }
                }
            }
            for (int c = 0; c < count; c++) if (acc[c] > max[c]) max[c] = acc[c];
        }
        for (int c = 0; c < count; c++) sum[c] = 0;
        for (int k = 0; k < kernels; k++)
        {
            int row = k * count;
            for (int c = 0; c < count; c++)
            {
                double a = terms[row + c] - max[c];
                if (a > -40) sum[c] += Math.Exp(a); // e^-40: below double precision next to the maximum's 1
            }
        }
        for (int c = 0; c < count; c++) result[c] = double.IsNegativeInfinity(max[c]) ? max[c] : max[c] + Math.Log(sum[c]);
    }

    [ThreadStatic] private static double[]? termsScratch;
    [ThreadStatic] private static double[]? maxScratch;
    [ThreadStatic] private static double[]? sumScratch;

    private static double[] Scratch(ref double[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new double[Math.Max(length, (buffer?.Length ?? 0) * 2)];
        return buffer;
    }

    private double[]? flatCategorical;

    /// <summary>-log K per categorical dimension (the density of a kernel that has no value there).</summary>
    private double[] FlatCategorical()
    {
        if (flatCategorical is not null) return flatCategorical;
        var flat = new double[dims.Count];
        for (int d = 0; d < flat.Length; d++) if (dims.IsCategorical[d] && dims.Choices[d] > 0) flat[d] = -Math.Log(dims.Choices[d]);
        return flatCategorical = flat;
    }

    /// <summary>A kernel index for dimension d alone: an observation active in d, or the prior.</summary>
    public int PickKernelFor(int d, Random random)
    {
        var active = activeKernels[d];
        double u = random.NextDouble() * (active.Length + priorWeight);
        int i = (int)u;
        return i < active.Length ? active[i] : kernels - 1;
    }

    /// <summary>log of the one-dimensional marginal of dimension d (observations active in d plus the prior).</summary>
    public double LogDensity1D(int d, double y)
    {
        int D = dims.Count;
        var active = activeKernels[d];
        double logTotal = Math.Log(active.Length + priorWeight);
        double max = double.NegativeInfinity;
        int m = 0;
        for (int i = 0; i <= active.Length; i++)
        {
            double acc;
            if (i == active.Length)
            {
                if (priorWeight <= 0) break;
                acc = Math.Log(priorWeight) - (dims.IsCategorical[d] ? Math.Log(dims.Choices[d]) : dims.LogRange[d]);
            }
            else
            {
                int at = active[i] * D + d;
                if (dims.IsCategorical[d]) acc = choice[at] == (int)y ? logHit[d] : logMiss[d];
                else { double z = (y - center[at]) * precision[at]; acc = logNorm[at] - 0.5 * z * z; }
            }
            scratch[m++] = acc;
            if (acc > max) max = acc;
        }
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int i = 0; i < m; i++) sum += Math.Exp(scratch[i] - max);
        return max + Math.Log(sum) - logTotal;
    }
}
