using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Gaussian-process Bayesian optimisation, for small budgets where every trial is expensive.
/// <list type="number">
/// <item>Until <see cref="GpOptions.StartupTrials"/> trials finished (completed or pruned): random samples.</item>
/// <item>Encode the space (<see cref="GpEncoding"/>: [0, 1], log where declared, ints relaxed, categoricals by index,
/// inactive parameters NaN) and take the trials to learn from (<see cref="GpTrainingSet"/>: pruned ones at the worst
/// completed score, failed ones left out, at most <see cref="GpOptions.MaxTrials"/>).</item>
/// <item>Standardise the scores (lower is better, whatever the direction) and fit a GP with a Matérn-5/2 ARD kernel
/// that compares choices by equality (<see cref="Matern52Kernel"/>); its length scales, signal and noise maximise the
/// marginal likelihood under weak priors (<see cref="GpHyperparameterFit"/>).</item>
/// <item>Running trials join at their predicted value (kriging believer), so parallel workers spread out.</item>
/// <item>Propose the point maximising log expected improvement over the best completed score
/// (<see cref="AcquisitionSearch"/>), rounded to the int grids and choices.</item>
/// </list>
/// Stateless: everything comes from the history (read in trial-number order) and the given <see cref="Random"/>, so a
/// seeded study is reproducible and a resumed one proposes exactly what it would have without the interruption.
/// </summary>
public sealed class GpSampler : ISampler
{
    /// <summary>A sampler with <paramref name="options"/>, or <see cref="GpOptions"/>' defaults when null.</summary>
    public GpSampler(GpOptions? options = null)
    {
        Options = options ?? new GpOptions();
        Options.Validate();
    }

    public GpOptions Options { get; }

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(random);
        _ = SamplingMath.Score(0, direction); // rejects Auto up front
        if (space.Parameters.Count == 0) return SamplingMath.SampleUniform(space, random);

        var encoding = new GpEncoding(space);
        var set = GpTrainingSet.Collect(encoding, history, direction);
        if (set.Points.Count < Math.Max(1, Options.StartupTrials) || set.Completed == 0)
            return SamplingMath.SampleUniform(space, random);

        var kept = GpTrainingSet.Spread(set.Points, set.Scores, encoding.IsCategorical, Options.MaxTrials);
        var points = new double[kept.Length][];
        var scores = new double[kept.Length];
        for (int i = 0; i < kept.Length; i++) { points[i] = set.Points[kept[i]]; scores[i] = set.Scores[kept[i]]; }
        var y = Standardise(scores);

        var fitIndexes = GpTrainingSet.Spread(points, scores, encoding.IsCategorical, Options.MaxFitTrials);
        var fitPoints = new double[fitIndexes.Length][];
        var fitY = new double[fitIndexes.Length];
        for (int i = 0; i < fitIndexes.Length; i++) { fitPoints[i] = points[fitIndexes[i]]; fitY[i] = y[fitIndexes[i]]; }
        var hyper = GpHyperparameterFit.Fit(fitPoints, fitY, encoding.IsCategorical, Options.HyperparameterRestarts, maxIterations: 50, random);

        var gp = GaussianProcess.Fit(points, y, hyper, encoding.IsCategorical);
        if (gp is null) return SamplingMath.SampleUniform(space, random); // degenerate beyond jitter's help
        // The incumbent and the local candidates' centres: the best completed trials (imputed scores are never best).
        var byScore = new int[points.Length];
        for (int i = 0; i < byScore.Length; i++) byScore[i] = i;
        Array.Sort(byScore, (a, b) => { int c = y[a].CompareTo(y[b]); return c != 0 ? c : a.CompareTo(b); });
        var incumbents = new List<double[]>();
        for (int i = 0; i < Math.Min(5, byScore.Length); i++) incumbents.Add(points[byScore[i]]);
        double best = y[byScore[0]];

        if (Options.KrigingBeliever && set.Running.Count > 0)
        {
            var running = set.Running.Count <= Options.MaxTrials ? set.Running : set.Running.GetRange(set.Running.Count - Options.MaxTrials, Options.MaxTrials);
            // A believed value is an observation like any other, so it can be the incumbent too: otherwise a running
            // trial predicted to improve would keep its expected improvement (best − μ with no uncertainty left) and
            // every worker would still go there.
            foreach (var r in running)
            {
                gp.Predict(r, out double believed, out _);
                best = Math.Min(best, believed);
            }
            gp = gp.WithBelievers(running, y) ?? gp;
        }

        var search = new AcquisitionSearch(encoding, gp, best);
        return encoding.DecodeCandidate(search.Find(Options, incumbents, random));
    }

    /// <summary>(score − mean) / standard deviation; a constant history maps to zeros.</summary>
    private static double[] Standardise(double[] scores)
    {
        double mean = 0;
        foreach (double s in scores) mean += s;
        mean /= scores.Length;
        double variance = 0;
        foreach (double s in scores) variance += (s - mean) * (s - mean);
        double sd = Math.Sqrt(variance / scores.Length);
        if (!(sd > 0) || !double.IsFinite(sd)) sd = 1;
        var y = new double[scores.Length];
        for (int i = 0; i < y.Length; i++) y[i] = (scores[i] - mean) / sd;
        return y;
    }
}
