using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// Pareto dominance with constraints (Deb's constrained domination, as NSGA-II and Optuna use it): a feasible trial
/// (every constraint ≤ 0) beats an infeasible one; of two infeasible ones the one with the smaller total violation
/// wins; of two feasible ones, one dominates the other when it is no worse in every objective and better in one.
/// Values are compared as given with <see cref="Direction"/>s; nothing here reads storage.
/// </summary>
public static class ParetoRanking
{
    /// <summary>True when every constraint is at most 0 (no constraints: feasible).</summary>
    public static bool IsFeasible(IReadOnlyList<double>? constraints) => Violation(constraints) == 0;

    /// <summary>The sum of the positive constraint values: 0 for a feasible trial.</summary>
    public static double Violation(IReadOnlyList<double>? constraints)
    {
        if (constraints is null) return 0;
        double sum = 0;
        foreach (var c in constraints) if (c > 0) sum += c;
        return sum;
    }

    /// <summary>True when <paramref name="a"/> Pareto-dominates <paramref name="b"/>: no worse in every objective,
    /// strictly better in at least one. Equal points do not dominate each other.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<Direction> directions)
    {
        if (a.Count != directions.Count || b.Count != directions.Count)
            throw new ArgumentException($"Dominance compares {directions.Count} objective(s); found points with {a.Count} and {b.Count} values.");
        bool better = false;
        for (int i = 0; i < directions.Count; i++)
        {
            double x = SamplingMath.Score(a[i], directions[i]), y = SamplingMath.Score(b[i], directions[i]);
            if (x > y) return false;
            if (x < y) better = true;
        }
        return better;
    }

    /// <summary>Constrained domination: feasibility first, then the smaller violation, then <see cref="Dominates"/>.</summary>
    public static bool ConstrainedDominates(IReadOnlyList<double> a, IReadOnlyList<double>? aConstraints,
        IReadOnlyList<double> b, IReadOnlyList<double>? bConstraints, IReadOnlyList<Direction> directions)
    {
        double va = Violation(aConstraints), vb = Violation(bConstraints);
        if (va == 0 && vb > 0) return true;
        if (va > 0) return vb > va;
        return vb == 0 && Dominates(a, b, directions);
    }

    /// <summary>
    /// Non-dominated sorting under constrained domination: the front index (0 = Pareto front) of every point.
    /// O(M·N²), fine for the populations and studies a sweep holds.
    /// </summary>
    public static int[] Ranks(IReadOnlyList<IReadOnlyList<double>> objectives, IReadOnlyList<IReadOnlyList<double>?> constraints, IReadOnlyList<Direction> directions)
    {
        int n = objectives.Count;
        var dominatedBy = new int[n];
        var dominates = new List<int>[n];
        for (int i = 0; i < n; i++) dominates[i] = new List<int>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                if (ConstrainedDominates(objectives[i], constraints[i], objectives[j], constraints[j], directions)) { dominates[i].Add(j); dominatedBy[j]++; }
                else if (ConstrainedDominates(objectives[j], constraints[j], objectives[i], constraints[i], directions)) { dominates[j].Add(i); dominatedBy[i]++; }
            }
        var rank = new int[n];
        var front = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        int level = 0;
        while (front.Count > 0)
        {
            var next = new List<int>();
            foreach (int i in front)
            {
                rank[i] = level;
                foreach (int j in dominates[i]) if (--dominatedBy[j] == 0) next.Add(j);
            }
            front = next;
            level++;
        }
        return rank;
    }

    /// <summary>
    /// Crowding distance of each point within one front (<paramref name="members"/> index into
    /// <paramref name="objectives"/>): the sum over objectives of the normalised gap between its neighbours; the
    /// extremes of each objective get infinity, so they are always kept.
    /// </summary>
    public static double[] CrowdingDistances(IReadOnlyList<IReadOnlyList<double>> objectives, IReadOnlyList<int> members)
    {
        var distance = new double[members.Count];
        if (members.Count == 0) return distance;
        int m = objectives[members[0]].Count;
        var order = Enumerable.Range(0, members.Count).ToArray();
        for (int k = 0; k < m; k++)
        {
            Array.Sort(order, (x, y) => objectives[members[x]][k].CompareTo(objectives[members[y]][k]));
            double low = objectives[members[order[0]]][k], high = objectives[members[order[^1]]][k];
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            if (high - low <= 0) continue;
            for (int i = 1; i < order.Length - 1; i++)
                distance[order[i]] += (objectives[members[order[i + 1]]][k] - objectives[members[order[i - 1]]][k]) / (high - low);
        }
        return distance;
    }

    /// <summary>
    /// The hypervolume (area for two objectives) dominated by <paramref name="points"/> and bounded by
    /// <paramref name="reference"/>, both objectives minimised. Points not better than the reference in both count nothing.
    /// </summary>
    public static double Hypervolume2D(IEnumerable<(double X, double Y)> points, (double X, double Y) reference)
    {
        var inside = points.Where(p => p.X < reference.X && p.Y < reference.Y).OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        double area = 0, bestY = reference.Y;
        foreach (var (x, y) in inside)
        {
            if (y >= bestY) continue;
            area += (reference.X - x) * (bestY - y);
            bestY = y;
        }
        return area;
    }
}
