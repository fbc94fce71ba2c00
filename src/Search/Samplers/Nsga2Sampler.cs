using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// NSGA-II (Deb et al. 2002) for one or several objectives with constraints, stateless: generations are rebuilt from
/// the history on every call, so a resumed study samples as if it had never stopped.
/// <list type="bullet">
/// <item>Trial number n belongs to generation n / <see cref="Nsga2Options.PopulationSize"/>. Generation 0 is random.</item>
/// <item>The parents of generation g are the survivors of the parents of g − 1 together with generation g − 1's Complete
/// trials: whole fronts of constrained non-dominated sorting (<see cref="ParetoRanking.Ranks"/>), the last front cut by
/// crowding distance. Running, pruned and failed trials take no part.</item>
/// <item>A child: two binary tournaments (lower front wins, then larger crowding distance), simulated binary crossover
/// on floats and ints (on the log scale where declared) and uniform crossover on categoricals, then polynomial mutation
/// (floats, ints) or a fresh uniform choice (categoricals). A conditional parameter that neither parent has (NaN) but
/// the child needs is drawn from its prior.</item>
/// </list>
/// As a plain <see cref="ISampler"/> (one objective) it is a genetic algorithm on the value.
/// </summary>
public sealed class Nsga2Sampler : IMultiObjectiveSampler
{
    /// <exception cref="ArgumentException">The options are not valid (every problem is listed).</exception>
    public Nsga2Sampler(Nsga2Options? options = null)
    {
        Options = options ?? new Nsga2Options();
        var problems = Options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
    }

    public Nsga2Options Options { get; }

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
        => Sample(space, history, new[] { direction }, random);

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, IReadOnlyList<Direction> directions, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentNullException.ThrowIfNull(random);
        foreach (var d in directions) _ = SamplingMath.Score(0, d); // rejects Auto up front
        int size = Options.PopulationSize;
        // The trial being sampled is the next number: storages create it right after this read.
        int next = history.Count == 0 ? 0 : history.Max(t => t.Number) + 1;
        var parents = Parents(space, history, directions, next / size);
        if (parents.Count == 0) return SamplingMath.SampleUniform(space, random);

        var first = Tournament(parents, random);
        var second = Tournament(parents, random);
        var child = random.NextDouble() < Options.CrossoverProbability
            ? Crossover(space, first.Values, second.Values, random)
            : first.Values.ToArray();
        Mutate(space, child, random);
        return Repair(space, child, random);
    }

    /// <summary>A member of a population with its front and crowding distance there.</summary>
    private sealed record Member(int Number, IReadOnlyList<double> Values, IReadOnlyList<double> Objectives, IReadOnlyList<double>? Constraints)
    {
        public int Rank { get; set; }
        public double Crowding { get; set; }
    }

    /// <summary>The parents of <paramref name="generation"/>, rebuilt generation by generation from the start.</summary>
    private List<Member> Parents(SearchSpace space, IReadOnlyList<FrozenTrial> history, IReadOnlyList<Direction> directions, int generation)
    {
        int size = Options.PopulationSize;
        var byGeneration = new Dictionary<int, List<Member>>();
        foreach (var t in history)
        {
            if (t.State != TrialState.Complete || !SamplingMath.Fits(space, t) || t.Number / size >= generation) continue;
            if (ParetoRankHistory.ObjectivesOf(t, directions.Count) is not { } objectives) continue;
            if (!byGeneration.TryGetValue(t.Number / size, out var list)) byGeneration[t.Number / size] = list = new List<Member>();
            list.Add(new Member(t.Number, t.Values, objectives, t.Constraints));
        }
        var parents = new List<Member>();
        for (int g = 0; g < generation; g++)
        {
            if (!byGeneration.TryGetValue(g, out var born)) continue;
            parents = Survivors(parents.Concat(born).OrderBy(m => m.Number).ToList(), directions, size);
        }
        return parents;
    }

    /// <summary>NSGA-II's survival: whole fronts while they fit, then the most crowded-apart of the next front.</summary>
    private static List<Member> Survivors(List<Member> pool, IReadOnlyList<Direction> directions, int size)
    {
        var objectives = pool.Select(m => m.Objectives).ToList();
        var ranks = ParetoRanking.Ranks(objectives, pool.Select(m => m.Constraints).ToList(), directions);
        var kept = new List<Member>();
        foreach (var front in Enumerable.Range(0, pool.Count).GroupBy(i => ranks[i]).OrderBy(g => g.Key))
        {
            var members = front.ToList();
            var crowding = ParetoRanking.CrowdingDistances(objectives, members);
            for (int k = 0; k < members.Count; k++)
            {
                pool[members[k]].Rank = front.Key;
                pool[members[k]].Crowding = crowding[k];
            }
            if (kept.Count + members.Count <= size) { kept.AddRange(members.Select(i => pool[i])); continue; }
            kept.AddRange(Enumerable.Range(0, members.Count).OrderByDescending(k => crowding[k]).ThenBy(k => pool[members[k]].Number)
                .Take(size - kept.Count).Select(k => pool[members[k]]));
            break;
        }
        return kept;
    }

    private static Member Tournament(List<Member> parents, Random random)
    {
        var a = parents[random.Next(parents.Count)];
        var b = parents[random.Next(parents.Count)];
        if (a.Rank != b.Rank) return a.Rank < b.Rank ? a : b;
        return a.Crowding >= b.Crowding ? a : b;
    }

    private double[] Crossover(SearchSpace space, IReadOnlyList<double> x, IReadOnlyList<double> y, Random random)
    {
        var child = new double[space.Parameters.Count];
        for (int i = 0; i < child.Length; i++)
        {
            var p = space.Parameters[i];
            double a = x[i], b = y[i];
            if (double.IsNaN(a) || double.IsNaN(b)) { child[i] = double.IsNaN(a) ? b : a; continue; }
            if (p.Kind == ParameterKind.Categorical || random.NextDouble() < 0.5) { child[i] = random.NextDouble() < 0.5 ? a : b; continue; }
            // Simulated binary crossover on the unit scale; one of the two children, at random.
            double u = random.NextDouble();
            double eta = Options.CrossoverEta;
            double beta = u <= 0.5 ? Math.Pow(2 * u, 1 / (eta + 1)) : Math.Pow(1 / (2 * (1 - u)), 1 / (eta + 1));
            double ua = ToUnit(p, a), ub = ToUnit(p, b);
            double c = random.NextDouble() < 0.5 ? 0.5 * ((1 + beta) * ua + (1 - beta) * ub) : 0.5 * ((1 - beta) * ua + (1 + beta) * ub);
            child[i] = FromUnit(p, Math.Clamp(c, 0, 1));
        }
        return child;
    }

    private void Mutate(SearchSpace space, double[] child, Random random)
    {
        double chance = Options.MutationProbability ?? 1.0 / Math.Max(1, space.Parameters.Count);
        for (int i = 0; i < child.Length; i++)
        {
            if (double.IsNaN(child[i]) || random.NextDouble() >= chance) continue;
            var p = space.Parameters[i];
            if (p.Kind == ParameterKind.Categorical) { child[i] = random.Next(p.Choices!.Count); continue; }
            double u = random.NextDouble();
            double eta = Options.MutationEta;
            double delta = u < 0.5 ? Math.Pow(2 * u, 1 / (eta + 1)) - 1 : 1 - Math.Pow(2 * (1 - u), 1 / (eta + 1));
            child[i] = FromUnit(p, Math.Clamp(ToUnit(p, child[i]) + delta, 0, 1));
        }
    }

    /// <summary>Inactive parameters become NaN; active ones that neither parent had are drawn from their prior.</summary>
    private static double[] Repair(SearchSpace space, double[] child, Random random)
    {
        for (int i = 0; i < child.Length; i++)
        {
            if (!space.IsActive(i, child)) child[i] = double.NaN;
            else if (double.IsNaN(child[i])) child[i] = SamplingMath.SampleUniform(space.Parameters[i], random);
        }
        return child;
    }

    /// <summary>A float or int value on [0, 1] (log scale where declared).</summary>
    private static double ToUnit(ParameterSpec p, double x)
    {
        double low = p.Low, high = p.Kind == ParameterKind.Int ? SamplingMath.IntTop(p) : p.High;
        if (high <= low) return 0;
        return p.Log ? (Math.Log(x) - Math.Log(low)) / (Math.Log(high) - Math.Log(low)) : (x - low) / (high - low);
    }

    /// <summary>Back from [0, 1]: clamped floats, ints snapped to their grid.</summary>
    private static double FromUnit(ParameterSpec p, double u)
    {
        double low = p.Low, high = p.Kind == ParameterKind.Int ? SamplingMath.IntTop(p) : p.High;
        double x = p.Log ? Math.Exp(Math.Log(low) + u * (Math.Log(high) - Math.Log(low))) : low + u * (high - low);
        return p.Kind == ParameterKind.Int ? SamplingMath.SnapInt(p, x) : Math.Clamp(x, p.Low, p.High);
    }
}
