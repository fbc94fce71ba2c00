using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011; component choices after Watanabe 2023).
/// <list type="number">
/// <item>Until <see cref="TpeOptions.StartupTrials"/> trials finished: start-up samples (<see cref="TpeOptions.Startup"/>).</item>
/// <item>Rank finished trials: completed ones by value (direction-aware), then pruned ones — further-reaching first, then
/// by their last intermediate value — so a pruned trial never counts as better than a completed one, yet early-stopped
/// runs still inform the model. Completed trials without a finite value go last.</item>
/// <item>The top <see cref="TpeOptions.Gamma"/>(n) form the good set, the rest the bad set. With the constant liar,
/// Running trials (other workers') join the bad set, as if they had returned the worst value: proposals move away from
/// points already being evaluated instead of piling onto the current favourite.</item>
/// <item>Fit l(x) on the good set and g(x) on the bad set (<see cref="ParzenEstimator"/>), draw
/// <see cref="TpeOptions.Candidates"/> candidates from l and return the one maximizing l(x)/g(x).</item>
/// </list>
/// Multivariate (default): each candidate comes whole from one kernel of l, so correlations between parameters found in
/// good trials survive. Univariate: one independent TPE per parameter. Failed trials are ignored. Stateless: everything
/// comes from the history and the given <see cref="Random"/>, so a seeded study is reproducible and a resumed one
/// continues as if it had never stopped.
/// </summary>
public sealed class TpeSampler : ISampler
{
    public TpeSampler(TpeOptions? options = null)
    {
        Options = options ?? new TpeOptions();
        if (Options.Candidates < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.Candidates, "TpeOptions.Candidates must be at least 1.");
        if (Options.StartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(options), Options.StartupTrials, "TpeOptions.StartupTrials must be at least 0.");
    }

    public TpeOptions Options { get; }

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(random);
        _ = SamplingMath.Score(0, direction); // rejects Auto up front

        var ranked = Rank(space, history, direction, out var running);
        if (ranked.Count < Math.Max(1, Options.StartupTrials) || space.Parameters.Count == 0)
            return Options.Startup == TpeStartup.QuasiRandom && space.Parameters.Count <= SobolDirectionNumbers.Count
                ? new QuasiRandomSampler(Options.StartupSeed).Sample(space, history, direction, random)
                : SamplingMath.SampleUniform(space, random);

        int n = ranked.Count;
        int good = n < 2 ? 1 : Math.Clamp(Options.Gamma(n), 1, n - 1);
        var dims = new TpeDimensions(space);
        var goodPoints = new List<double[]>(good);
        var badPoints = new List<double[]>(n - good + running.Count);
        for (int i = 0; i < n; i++) (i < good ? goodPoints : badPoints).Add(Transform(dims, ranked[i].Values));
        if (Options.ConstantLiar) foreach (var t in running) badPoints.Add(Transform(dims, t.Values));

        int scott = Options.Multivariate ? dims.Count : 1;
        bool adaptive = Options.Bandwidth != TpeBandwidth.Scott;
        var l = new ParzenEstimator(dims, goodPoints, Options, scott, adaptive);
        var g = new ParzenEstimator(dims, badPoints, Options, scott, adaptive && !Options.AdaptiveGoodOnly);
        return Options.Multivariate ? SampleJoint(dims, l, g, random) : SampleIndependent(dims, l, g, random);
    }

    private double[] SampleJoint(TpeDimensions dims, ParzenEstimator l, ParzenEstimator g, Random random)
    {
        int D = dims.Count, C = Options.Candidates;
        var candidates = new double[C][];
        var y = new double[D * C];    // dimension-major, as ParzenEstimator.LogDensities wants
        var mask = new double[D * C];
        for (int c = 0; c < C; c++)
        {
            var x = new double[D];
            int kernel = l.PickKernel(random);
            for (int d = 0; d < D; d++)
            {
                if (!dims.Space.IsActive(d, x)) { x[d] = double.NaN; continue; }
                x[d] = dims.Backward(d, l.SampleDimension(kernel, d, random));
                y[d * C + c] = dims.Forward(d, x[d]); // score the value actually proposed (snapped, clamped)
                mask[d * C + c] = 1;
            }
            candidates[c] = x;
        }
        var logL = new double[C];
        var logG = new double[C];
        l.LogDensities(y, mask, C, logL);
        g.LogDensities(y, mask, C, logG);
        int best = 0;
        for (int c = 1; c < C; c++)
            if (logL[c] - logG[c] > logL[best] - logG[best]) best = c;
        return candidates[best];
    }

    private double[] SampleIndependent(TpeDimensions dims, ParzenEstimator l, ParzenEstimator g, Random random)
    {
        int D = dims.Count;
        var x = new double[D];
        for (int d = 0; d < D; d++)
        {
            if (!dims.Space.IsActive(d, x)) { x[d] = double.NaN; continue; }
            double bestX = double.NaN, bestScore = double.NegativeInfinity;
            for (int c = 0; c < Options.Candidates; c++)
            {
                double v = dims.Backward(d, l.SampleDimension(l.PickKernelFor(d, random), d, random));
                double yv = dims.Forward(d, v);
                double score = l.LogDensity1D(d, yv) - g.LogDensity1D(d, yv);
                if (double.IsNaN(bestX) || score > bestScore) { bestScore = score; bestX = v; }
            }
            x[d] = bestX;
        }
        return x;
    }

    private static double[] Transform(TpeDimensions dims, IReadOnlyList<double> values)
    {
        var y = new double[dims.Count];
        for (int d = 0; d < y.Length; d++)
        {
            double v = values[d];
            // Inactive by the space's rules means no value, whatever was stored.
            y[d] = double.IsNaN(v) || !dims.Space.IsActive(d, values) ? double.NaN : dims.Forward(d, v);
        }
        return y;
    }

    /// <summary>A finished trial's sort key: group (0 completed, 1 pruned, 2 completed without a value), then two keys,
    /// then the trial number, so the order (and thus the sample) does not depend on the history's order.</summary>
    private readonly record struct RankEntry(int Group, double Key1, double Key2, int Number, int Index) : IComparable<RankEntry>
    {
        public int CompareTo(RankEntry other)
        {
            int c = Group.CompareTo(other.Group);
            if (c == 0) c = Key1.CompareTo(other.Key1);
            if (c == 0) c = Key2.CompareTo(other.Key2);
            return c != 0 ? c : Number.CompareTo(other.Number);
        }
    }

    /// <summary>Finished trials best first (see the class remarks); Running trials that fit the space go to <paramref name="running"/>.</summary>
    private static List<FrozenTrial> Rank(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, out List<FrozenTrial> running)
    {
        running = new List<FrozenTrial>();
        var entries = new List<RankEntry>(history.Count);
        for (int i = 0; i < history.Count; i++)
        {
            var t = history[i];
            if (!SamplingMath.Fits(space, t)) continue;
            switch (t.State)
            {
                case TrialState.Running:
                    running.Add(t);
                    break;
                case TrialState.Complete when t.Value is { } v && !double.IsNaN(v):
                    entries.Add(new RankEntry(0, SamplingMath.Score(v, direction), 0, t.Number, i));
                    break;
                case TrialState.Complete:
                    entries.Add(new RankEntry(2, 0, 0, t.Number, i));
                    break;
                case TrialState.Pruned:
                {
                    // Further-reaching first (-step ascending), then by the value where it stopped.
                    var (step, last) = SamplingMath.LastIntermediate(t.Intermediate);
                    if (step < 0) last = t.Value ?? double.NaN;
                    double key2 = double.IsNaN(last) ? double.PositiveInfinity : SamplingMath.Score(last, direction);
                    entries.Add(new RankEntry(1, -step, key2, t.Number, i));
                    break;
                }
            }
        }
        entries.Sort();
        var ranked = new List<FrozenTrial>(entries.Count);
        foreach (var e in entries) ranked.Add(history[e.Index]);
        return ranked;
    }
}
