using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Reports;

/// <summary>
/// How much of the objective's variance each parameter explains on its own: a first-order (Sobol) sensitivity index
/// estimated from the trials themselves, with no surrogate model.
/// <para>Method (docs/reports.md): for parameter <c>i</c>, the complete trials are grouped by its value — a categorical
/// by choice, a number into up to <see cref="MaxBins"/> equal-count (quantile) bins, an inactive conditional parameter
/// into a group of its own. The share of the objective's variance that lies between the groups' means is the
/// correlation ratio η² = SS_between / SS_total, an estimate of Var(E[y | x_i]) / Var(y), the first-order Sobol index.
/// η² of an irrelevant parameter is not 0 on finite samples (it is about (k−1)/(n−1) for k groups), so the index reported
/// is ω² = (SS_between − (k−1)·MS_within) / (SS_total + MS_within) (Hays' bias-corrected effect size), clipped at 0.</para>
/// <para>What it does not show: interactions (a parameter that matters only together with another scores low), and
/// trials a sampler concentrated in a small region (TPE late in a study) shrink everyone's between-group variance. It
/// is a first look, like Optuna's default fANOVA, not a proof.</para>
/// </summary>
internal static class ParameterImportance
{
    /// <summary>The most groups a numeric parameter is split into (fewer when there are fewer than 5 trials a group).</summary>
    public const int MaxBins = 10;

    /// <summary>The index of each parameter (same order as <paramref name="values"/>' columns), each in [0, 1].</summary>
    /// <param name="values">Per trial, its parameters' internal values (NaN: inactive).</param>
    /// <param name="objective">Per trial, its objective value (finite).</param>
    /// <param name="categorical">Per parameter, whether it is categorical (grouped by value, not binned).</param>
    public static double[] Compute(IReadOnlyList<double[]> values, IReadOnlyList<double> objective, IReadOnlyList<bool> categorical)
    {
        int n = objective.Count, parameters = categorical.Count;
        var result = new double[parameters];
        if (n < 3) return result;
        double mean = objective.Average();
        double ssTotal = objective.Sum(y => (y - mean) * (y - mean));
        if (ssTotal <= 0) return result;
        for (int p = 0; p < parameters; p++)
        {
            var groups = Group(values.Select(v => p < v.Length ? v[p] : double.NaN).ToArray(), categorical[p], n);
            int k = groups.Distinct().Count();
            if (k < 2 || n <= k) continue;
            var sums = new Dictionary<int, (double Sum, int Count)>();
            for (int t = 0; t < n; t++)
            {
                sums.TryGetValue(groups[t], out var s);
                sums[groups[t]] = (s.Sum + objective[t], s.Count + 1);
            }
            double ssBetween = sums.Values.Sum(s => s.Count * Math.Pow(s.Sum / s.Count - mean, 2));
            double msWithin = (ssTotal - ssBetween) / (n - k);
            result[p] = Math.Clamp((ssBetween - (k - 1) * msWithin) / (ssTotal + msWithin), 0, 1);
        }
        return result;
    }

    /// <summary>Group ids: inactive → -1; categorical → the choice index; numbers → equal-count bins by rank (ties
    /// kept together, so an int with 3 values makes 3 groups, not 10).</summary>
    private static int[] Group(double[] column, bool categorical, int n)
    {
        var groups = new int[n];
        var active = new List<int>(n);
        for (int t = 0; t < n; t++)
        {
            if (double.IsNaN(column[t])) groups[t] = -1;
            else if (categorical) groups[t] = (int)Math.Round(column[t]);
            else active.Add(t);
        }
        if (categorical || active.Count == 0) return groups;
        int bins = Math.Clamp(active.Count / 5, 1, MaxBins);
        active.Sort((a, b) => column[a].CompareTo(column[b]));
        int bin = 0;
        for (int r = 0; r < active.Count; r++)
        {
            // Move to the next bin at its quantile boundary, but never between equal values.
            if (r > 0 && column[active[r]] != column[active[r - 1]] && r >= (long)(bin + 1) * active.Count / bins) bin++;
            groups[active[r]] = bin;
        }
        return groups;
    }
}
