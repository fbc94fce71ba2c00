using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// What the GP learns from, taken from the history:
/// <list type="bullet">
/// <item>Completed trials with a finite value, by their direction-aware score.</item>
/// <item>Pruned trials, and completed ones without a finite value, at the worst completed score. A pruned trial's last
/// value comes from an earlier step than a completed trial's, so it cannot be compared as it is; but the pruner stopped it
/// for being worse than others at that step, so the model must not send the study back there. TPE ranks them below
/// every completed trial for the same reason; this is that rule in a regression's terms.</item>
/// <item>Failed trials are left out: a failure says nothing reliable about the objective there (a bug, a lost machine).</item>
/// <item>Running trials are kept apart for the kriging believer (<see cref="GpOptions.KrigingBeliever"/>).</item>
/// </list>
/// Trials are read in trial-number order, so the result does not depend on the history's order. Above
/// <see cref="GpOptions.MaxTrials"/> finished trials, <see cref="Spread"/> keeps the best and a spread of the rest.
/// </summary>
internal sealed class GpTrainingSet
{
    public List<double[]> Points { get; } = new();
    public List<double> Scores { get; } = new();
    public List<double[]> Running { get; } = new();
    /// <summary>Completed trials with a finite value among <see cref="Points"/>.</summary>
    public int Completed { get; private set; }

    public static GpTrainingSet Collect(GpEncoding encoding, IReadOnlyList<FrozenTrial> history, Direction direction)
    {
        var set = new GpTrainingSet();
        var ordered = new List<FrozenTrial>(history.Count);
        foreach (var t in history) if (SamplingMath.Fits(encoding.Space, t)) ordered.Add(t);
        ordered.Sort((a, b) => a.Number.CompareTo(b.Number));
        var unscored = new List<double[]>();
        double worst = double.NegativeInfinity;
        foreach (var t in ordered)
        {
            switch (t.State)
            {
                case TrialState.Running:
                    set.Running.Add(encoding.EncodeTrial(t.Values));
                    break;
                case TrialState.Complete when t.Value is { } v && double.IsFinite(v):
                {
                    double score = SamplingMath.Score(v, direction);
                    set.Points.Add(encoding.EncodeTrial(t.Values));
                    set.Scores.Add(score);
                    worst = Math.Max(worst, score);
                    set.Completed++;
                    break;
                }
                case TrialState.Complete:
                case TrialState.Pruned:
                    unscored.Add(encoding.EncodeTrial(t.Values));
                    break;
            }
        }
        if (set.Completed > 0)
            foreach (var u in unscored) { set.Points.Add(u); set.Scores.Add(worst); }
        return set;
    }

    /// <summary>
    /// The indexes of at most <paramref name="count"/> points: the best quarter by score (ties by position, i.e. trial
    /// number), then farthest-point order over the rest (each next point the one furthest from all chosen so far, in the
    /// kernel's distance with unit length scales), so that a capped GP still sees the whole space, densest where it matters.
    /// O(n·count·D): a 10,000-trial study costs milliseconds here.
    /// </summary>
    public static int[] Spread(IReadOnlyList<double[]> points, IReadOnlyList<double> scores, bool[] categorical, int count)
    {
        int n = points.Count;
        if (n <= count)
        {
            var all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        var byScore = new int[n];
        for (int i = 0; i < n; i++) byScore[i] = i;
        Array.Sort(byScore, (a, b) => { int c = scores[a].CompareTo(scores[b]); return c != 0 ? c : a.CompareTo(b); });
        var chosen = new List<int>(count);
        var taken = new bool[n];
        int best = Math.Max(1, count / 4);
        for (int i = 0; i < best; i++) { chosen.Add(byScore[i]); taken[byScore[i]] = true; }
        var unit = new double[categorical.Length];
        Array.Fill(unit, 1.0);
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        foreach (int c in chosen) Update(c);
        while (chosen.Count < count)
        {
            int far = -1;
            for (int i = 0; i < n; i++)
                if (!taken[i] && (far < 0 || nearest[i] > nearest[far])) far = i;
            chosen.Add(far);
            taken[far] = true;
            Update(far);
        }
        return chosen.ToArray();

        void Update(int c)
        {
            for (int i = 0; i < n; i++)
                if (!taken[i]) nearest[i] = Math.Min(nearest[i], Matern52Kernel.SquaredDistance(points[i], points[c], unit, categorical));
        }
    }
}
