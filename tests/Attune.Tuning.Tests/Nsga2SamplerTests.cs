using Attune.Search;
using Xunit.Abstractions;

namespace Attune.Tuning.Tests;

/// <summary>NSGA-II on ZDT problems (two objectives, minimised), with constraints, and on a mixed conditional space.</summary>
public class Nsga2SamplerTests
{
    private readonly ITestOutputHelper output;

    public Nsga2SamplerTests(ITestOutputHelper output) => this.output = output;

    private static readonly Direction[] MinMin = [Direction.Minimize, Direction.Minimize];

    /// <summary>ZDT1 (convex front f2 = 1 − √f1) and ZDT2 (concave, f2 = 1 − f1²) on [0, 1]^d; the front is at x1..x(d-1) = 0.</summary>
    private static double[] Zdt(IReadOnlyList<double> x, bool concave)
    {
        double f1 = x[0];
        double g = 1 + 9 * x.Skip(1).Sum() / (x.Count - 1);
        double h = concave ? 1 - (f1 / g) * (f1 / g) : 1 - Math.Sqrt(f1 / g);
        return [f1, g * h];
    }

    /// <summary>Runs <paramref name="trials"/> trials of a two-objective problem; returns the history.</summary>
    private static List<FrozenTrial> Run(ISampler sampler, SearchSpace space, Func<IReadOnlyList<double>, double[]> f, int trials, int seed,
        Func<IReadOnlyList<double>, double[]>? constraints = null)
    {
        var history = new List<FrozenTrial>(trials);
        for (int i = 0; i < trials; i++)
        {
            var random = new Random(seed * 100_003 + i);
            var x = sampler is IMultiObjectiveSampler multi
                ? multi.Sample(space, history, MinMin, random)
                : sampler.Sample(space, ParetoRankHistory.ForSingleObjectiveSampler(history, MinMin).History, Direction.Minimize, random);
            var y = f(x);
            history.Add(TrialFactory.Complete(i, x, y[0]) with { Objectives = y, Constraints = constraints?.Invoke(x) });
        }
        return history;
    }

    private static double Hypervolume(IEnumerable<FrozenTrial> history, (double, double) reference)
        => ParetoRanking.Hypervolume2D(history.Where(t => ParetoRanking.IsFeasible(t.Constraints)).Select(t => (t.Objectives![0], t.Objectives[1])), reference);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reaches_a_clearly_larger_hypervolume_than_random_search_on_ZDT_in_300_trials(bool concave)
    {
        var space = Spaces.Box(8, 0, 1);
        var reference = (1.1, 6.0);
        Func<IReadOnlyList<double>, double[]> f = x => Zdt(x, concave);
        var nsga = Enumerable.Range(0, 5).Select(s => Hypervolume(Run(new Nsga2Sampler(), space, f, 300, s), reference)).ToList();
        var random = Enumerable.Range(0, 5).Select(s => Hypervolume(Run(new RandomSampler(), space, f, 300, s), reference)).ToList();
        var tpe = Enumerable.Range(0, 3).Select(s => Hypervolume(Run(new TpeSampler(), space, f, 300, s), reference)).ToList();
        // The best possible: the whole front under the reference point.
        double ideal = ParetoRanking.Hypervolume2D(Enumerable.Range(0, 2001).Select(i => i / 2000.0).Select(f1 => (f1, concave ? 1 - f1 * f1 : 1 - Math.Sqrt(f1))), reference);
        output.WriteLine($"ZDT{(concave ? 2 : 1)} d=8, 300 trials, reference {reference}: median hypervolume NSGA-II {Median(nsga):F3} (5 seeds), " +
                         $"TPE on Pareto ranks {Median(tpe):F3} (3 seeds), random {Median(random):F3} (5 seeds); ideal {ideal:F3}");
        Assert.True(Median(nsga) > Median(random) + 0.25 * (ideal - Median(random)),
            $"NSGA-II {Median(nsga)} should close at least a quarter of random's gap to the ideal {ideal} (random {Median(random)}).");
        Assert.All(nsga, hv => Assert.True(hv > Median(random), $"every NSGA-II run ({string.Join(", ", nsga)}) should beat random's median {Median(random)}"));
        Assert.True(Median(tpe) > Median(random), $"TPE on Pareto ranks {Median(tpe)} vs random {Median(random)}");
    }

    [Fact]
    public void Constrained_domination_steers_the_population_into_a_small_feasible_region()
    {
        // Feasible only where x0 + x1 ≤ 0.3: a corner random search hits one time in 22.
        var space = Spaces.Box(8, 0, 1);
        Func<IReadOnlyList<double>, double[]> c = x => [x[0] + x[1] - 0.3];
        double Share(ISampler sampler, int seed) => Run(sampler, space, x => Zdt(x, false), 300, seed, c).Skip(200).Count(t => ParetoRanking.IsFeasible(t.Constraints)) / 100.0;
        var nsga = Enumerable.Range(0, 3).Select(s => Share(new Nsga2Sampler(), s)).ToList();
        var random = Enumerable.Range(0, 3).Select(s => Share(new RandomSampler(), s)).ToList();
        output.WriteLine($"feasible share of trials 200–299: NSGA-II {string.Join(", ", nsga)}; random {string.Join(", ", random)}");
        Assert.All(nsga, share => Assert.True(share >= 0.5, $"NSGA-II feasible share {share}"));
        Assert.All(random, share => Assert.True(share < 0.15, $"random feasible share {share}"));
    }

    [Fact]
    public void Children_of_a_mixed_conditional_space_are_valid_and_the_same_history_and_seed_give_the_same_child()
    {
        var space = Spaces.Mixed();
        var sampler = new Nsga2Sampler(new Nsga2Options { PopulationSize = 10 });
        Func<IReadOnlyList<double>, double[]> f = x => [Math.Log10(x[0]) + x[2], x[1] + (x[5] == 1 ? 0 : 0.3)];
        var history = Run(sampler, space, f, 120, seed: 1);
        foreach (var t in history.Skip(10))
        {
            var x = t.Values;
            Assert.InRange(x[0], 1e-5, 1e-1);
            Assert.InRange(x[1], 0, 0.5);
            Assert.Equal(Math.Round(x[2]), x[2]);
            Assert.InRange(x[2], 1, 8);
            Assert.Equal(0, (x[4] - 8) % 8);
            Assert.InRange(x[4], 8, 96);
            Assert.Contains(x[5], new[] { 0.0, 1.0, 2.0 });
            Assert.Equal(x[5] == 0, !double.IsNaN(x[6]));   // momentum only for sgd
            Assert.Equal(x[5] != 0, !double.IsNaN(x[7]));   // beta2 only for adam/adamw
        }
        // Stateless: the next child depends only on the history and the Random it is given.
        Assert.Equal(sampler.Sample(space, history, MinMin, new Random(9)), new Nsga2Sampler(new Nsga2Options { PopulationSize = 10 }).Sample(space, history, MinMin, new Random(9)));
    }

    [Fact]
    public void Options_are_checked_with_every_problem_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new Nsga2Sampler(new Nsga2Options { PopulationSize = 1, CrossoverProbability = 2 }));
        Assert.Contains("PopulationSize must be at least 2; found 1", e.Message);
        Assert.Contains("CrossoverProbability must be in [0, 1]; found 2", e.Message);
        Assert.Equal(Sampler.Nsga2, (Sampler)6);
        Assert.IsType<Nsga2Sampler>(Samplers.Create(Sampler.Nsga2));
    }
}
