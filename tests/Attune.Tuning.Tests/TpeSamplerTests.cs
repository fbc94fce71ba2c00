using System.Diagnostics;
using Xunit.Abstractions;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class TpeSamplerTests
{
    private readonly ITestOutputHelper output;

    public TpeSamplerTests(ITestOutputHelper output) => this.output = output;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    private (double Tpe, double Random) MedianRegrets(SearchSpace space, Func<IReadOnlyList<double>, double> f, double minimum, int trials, int seeds, TpeOptions? options = null)
    {
        var tpe = Enumerable.Range(0, seeds).Select(s => TestFunctions.Optimize(new TpeSampler(options), space, f, trials, s) - minimum).ToList();
        var random = Enumerable.Range(0, seeds).Select(s => TestFunctions.Optimize(new RandomSampler(), space, f, trials, s) - minimum).ToList();
        output.WriteLine($"{space.Name}, {trials} trials, {seeds} seeds: median regret TPE {Median(tpe):G4}, random {Median(random):G4}");
        return (Median(tpe), Median(random));
    }

    [Fact]
    public void Beats_random_search_on_Branin()
    {
        var (tpe, random) = MedianRegrets(TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum, 60, 10);
        Assert.True(tpe < random, $"TPE {tpe} vs random {random}");
    }

    [Fact]
    public void Beats_random_search_on_Hartmann6()
    {
        var (tpe, random) = MedianRegrets(TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, TestFunctions.Hartmann6Minimum, 100, 10);
        Assert.True(tpe < random, $"TPE {tpe} vs random {random}");
    }

    [Theory]
    [InlineData(TpeBandwidth.Scott, false)]
    [InlineData(TpeBandwidth.NearestGap, false)]
    [InlineData(TpeBandwidth.WiderGap, true)]
    [InlineData(TpeBandwidth.NearestNeighbour, true)]
    public void Every_bandwidth_rule_beats_random_search_on_Branin_and_is_reproducible(TpeBandwidth rule, bool goodOnly)
    {
        var options = new TpeOptions { Bandwidth = rule, AdaptiveGoodOnly = goodOnly };
        var (tpe, random) = MedianRegrets(TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum, 60, 10, options);
        Assert.True(tpe < random, $"{rule}: TPE {tpe} vs random {random}");
        double Once() => TestFunctions.Optimize(new TpeSampler(options), TestFunctions.BraninSpace(), TestFunctions.Branin, 40, 3);
        Assert.Equal(Once(), Once());
    }

    [Fact]
    public void Univariate_mode_also_beats_random_search_on_Branin()
    {
        var (tpe, random) = MedianRegrets(TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum, 60, 10, new TpeOptions { Multivariate = false });
        Assert.True(tpe < random, $"TPE {tpe} vs random {random}");
    }

    [Fact]
    public void Maximize_climbs_instead_of_descending()
    {
        // Maximizing -Branin must find the same minimum as minimizing Branin does.
        var space = TestFunctions.BraninSpace();
        var sampler = new TpeSampler();
        var random = new Random(1);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 60; i++)
        {
            var x = sampler.Sample(space, history, Direction.Maximize, random);
            history.Add(TrialFactory.Complete(i, x, -TestFunctions.Branin(x)));
        }
        double best = history.Max(t => t.Value!.Value);
        Assert.True(-best - TestFunctions.BraninMinimum < 1.0, $"best {-best}");
        Assert.True(history.Skip(30).Average(t => t.Value!.Value) > history.Take(10).Average(t => t.Value!.Value));
    }

    [Fact]
    public void Respects_bounds_grids_choices_and_conditions_after_startup()
    {
        var space = Spaces.Mixed();
        var sampler = new TpeSampler(new TpeOptions { StartupTrials = 5 });
        var random = new Random(11);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 80; i++)
        {
            var v = sampler.Sample(space, history, Direction.Minimize, random);
            Assert.InRange(v[0], 1e-5, 1e-1);
            Assert.InRange(v[1], 0, 0.5);
            Assert.InRange(v[2], 1, 8); Assert.Equal(Math.Round(v[2]), v[2]);
            Assert.InRange(v[3], 16, 1024); Assert.Equal(Math.Round(v[3]), v[3]);
            Assert.InRange(v[4], 8, 96); Assert.Equal(0, (v[4] - 8) % 8);
            Assert.Contains(v[5], new[] { 0.0, 1.0, 2.0 });
            bool sgd = v[5] == 0;
            Assert.Equal(!sgd, double.IsNaN(v[6]));
            Assert.Equal(sgd, double.IsNaN(v[7]));
            // An objective that likes adam, lr near 1e-3 and wide layers; pruned and failed trials mixed in.
            double loss = Math.Abs(Math.Log10(v[0]) + 3) + (v[5] == 1 ? 0 : 1) + 100 / v[3];
            history.Add((i % 7) switch
            {
                5 => TrialFactory.Pruned(i, v, new Dictionary<int, double> { [0] = loss + 1 }),
                6 => TrialFactory.Failed(i, v),
                _ => TrialFactory.Complete(i, v, loss),
            });
        }
        // It learned something: adam dominates the last half.
        Assert.True(history.Skip(40).Count(t => t.Values[5] == 1) > 20);
    }

    [Fact]
    public void Same_seed_same_sequence_other_seed_other_sequence()
    {
        static List<double[]> Run(int seed)
        {
            var space = Spaces.Mixed();
            var sampler = new TpeSampler(new TpeOptions { StartupTrials = 3 });
            var random = new Random(seed);
            var history = new List<FrozenTrial>();
            var draws = new List<double[]>();
            for (int i = 0; i < 25; i++)
            {
                var v = sampler.Sample(space, history, Direction.Minimize, random);
                draws.Add(v);
                history.Add(TrialFactory.Complete(i, v, v[1] + v[2]));
            }
            return draws;
        }
        Assert.Equal(Run(5).SelectMany(v => v), Run(5).SelectMany(v => v));
        Assert.NotEqual(Run(5).SelectMany(v => v), Run(6).SelectMany(v => v));
    }

    [Fact]
    public void Result_does_not_depend_on_the_order_of_the_history()
    {
        var space = TestFunctions.BraninSpace();
        var random = new Random(2);
        var history = Enumerable.Range(0, 30).Select(i =>
        {
            var x = new RandomSampler().Sample(space, Array.Empty<FrozenTrial>(), Direction.Minimize, random);
            return TrialFactory.Complete(i, x, TestFunctions.Branin(x));
        }).ToList();
        var a = new TpeSampler().Sample(space, history, Direction.Minimize, new Random(9));
        history.Reverse();
        var b = new TpeSampler().Sample(space, history, Direction.Minimize, new Random(9));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Constant_liar_spreads_parallel_workers_away_from_running_points()
    {
        // A small discrete space (20 × 20 ints) and 8 workers starting one after another before any finishes: each
        // proposal joins the history as Running. Count proposals that repeat a point already running.
        var space = new SearchSpace("ints", new ParameterSpec[]
        {
            new("a", ParameterKind.Int, 0, 19, Step: 1),
            new("b", ParameterKind.Int, 0, 19, Step: 1),
        });
        static double F(IReadOnlyList<double> v) => Math.Abs(v[0] - 7) + Math.Abs(v[1] - 12);

        int Duplicates(bool liar)
        {
            int duplicates = 0;
            for (int seed = 0; seed < 20; seed++)
            {
                var random = new Random(seed);
                var sampler = new TpeSampler(new TpeOptions { ConstantLiar = liar });
                var history = new List<FrozenTrial>();
                for (int i = 0; i < 30; i++)
                {
                    var x = sampler.Sample(space, history, Direction.Minimize, random);
                    history.Add(TrialFactory.Complete(i, x, F(x)));
                }
                var running = new List<double[]>();
                for (int w = 0; w < 8; w++)
                {
                    var x = sampler.Sample(space, history, Direction.Minimize, random);
                    if (running.Any(r => r.SequenceEqual(x))) duplicates++;
                    running.Add(x);
                    history.Add(TrialFactory.Running(history.Count, x));
                }
            }
            return duplicates;
        }

        int withLiar = Duplicates(true), without = Duplicates(false);
        output.WriteLine($"duplicates among 8 parallel proposals × 20 seeds: constant liar {withLiar}, without {without}");
        Assert.True(withLiar < without, $"with liar {withLiar}, without {without}");
        Assert.True(withLiar <= 8, $"with liar {withLiar}");
    }

    [Fact]
    public void Running_trials_only_are_not_mistaken_for_results()
    {
        var space = TestFunctions.BraninSpace();
        var history = Enumerable.Range(0, 20).Select(i => TrialFactory.Running(i, new[] { 1.0, 1.0 })).ToList();
        var v = new TpeSampler().Sample(space, history, Direction.Minimize, new Random(1)); // still start-up: random
        Assert.NotEqual(new[] { 1.0, 1.0 }, v);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 10)]
    [InlineData(12, 10)]
    [InlineData(30, 4)]
    public void A_categorical_kernel_keeps_for_every_other_choice_what_the_prior_gives_it(int choices, int observations)
    {
        // With prior weight 1, each of n observations' kernels counts its own choice as if seen n + 2 times out of
        // n + 1 + K: every other choice keeps 1 / (n + 1 + K), so the more choices there are the more mass leaves a
        // good trial's own choice (a fixed ε = 1/(n+1) kept 92% on it with 12 choices and left each other one 0.8%).
        var space = new SearchSpace("cat", [new ParameterSpec("c", ParameterKind.Categorical, Choices: Enumerable.Range(0, choices).Select(i => $"c{i}").ToArray())]);
        var dims = new TpeDimensions(space);
        var points = Enumerable.Range(0, observations).Select(i => new double[] { i % choices }).ToList();
        var estimator = new ParzenEstimator(dims, points, new TpeOptions(), scottDimensions: 1);
        var random = new Random(5);
        const int draws = 200_000;
        var counts = new int[choices];
        for (int i = 0; i < draws; i++) counts[(int)estimator.SampleDimension(0, 0, random)]++; // the kernel of observation 0 (choice 0)
        double own = (observations + 2.0) / (observations + 1 + choices), other = 1.0 / (observations + 1 + choices);
        for (int c = 0; c < choices; c++)
        {
            double expected = c == 0 ? own : other, tolerance = 5 * Math.Sqrt(expected * (1 - expected) / draws);
            Assert.True(Math.Abs(counts[c] / (double)draws - expected) < tolerance,
                $"{choices} choices, {observations} observations: choice {c} drawn {counts[c] / (double)draws:F4} of the time, expected {expected:F4} ± {tolerance:F4}.");
        }
    }

    [Fact]
    public void Categorical_sampling_and_scoring_describe_the_same_distribution()
    {
        // Candidates are drawn from l and ranked by l/g: if the density the ranking uses were not the one sampled from,
        // the ratio would favour choices for a reason that has nothing to do with the trials.
        var space = MixedTestFunctions.ManyCategoriesSpace();
        var dims = new TpeDimensions(space);
        var random = new Random(11);
        var points = Enumerable.Range(0, 7).Select(_ => new double[] { random.Next(3) * 2, Math.Log(1e-3), 0.5 }).ToList();
        var estimator = new ParzenEstimator(dims, points, new TpeOptions(), scottDimensions: 1);
        int K = dims.Choices[0];
        var density = Enumerable.Range(0, K).Select(c => Math.Exp(estimator.LogDensity1D(0, c))).ToArray();
        Assert.Equal(1.0, density.Sum(), 9);
        const int draws = 200_000;
        var counts = new int[K];
        for (int i = 0; i < draws; i++) counts[(int)estimator.SampleDimension(estimator.PickKernelFor(0, random), 0, random)]++;
        for (int c = 0; c < K; c++)
        {
            double tolerance = 5 * Math.Sqrt(density[c] * (1 - density[c]) / draws);
            Assert.True(Math.Abs(counts[c] / (double)draws - density[c]) < tolerance, $"choice {c}: drawn {counts[c] / (double)draws:F4}, density {density[c]:F4}.");
        }
    }

    [Theory]
    [InlineData("many-categories", 0.05)] // the neighbouring choices cost 0.1
    [InlineData("optimizer-mixed", 0.01)] // the second-best optimizer costs 0.05
    public void Finds_the_choice_that_moves_the_learning_rate_optimum_in_most_runs(string problem, double medianBelow)
    {
        // 12 choices that each shift where lr is best (many-categories), or an optimizer that does (optimizer-mixed, with
        // an int and a float beside it): the best choice must be found and tuned in most runs, not left for a
        // neighbouring choice that the search met first.
        var (space, f) = problem == "many-categories"
            ? (MixedTestFunctions.ManyCategoriesSpace(), (Func<IReadOnlyList<double>, double>)MixedTestFunctions.ManyCategories)
            : (MixedTestFunctions.OptimizerSpace(), MixedTestFunctions.Optimizer);
        var regrets = Enumerable.Range(0, 30).Select(s => TestFunctions.Optimize(new TpeSampler(), space, f, 100, s)).ToArray();
        output.WriteLine($"{problem}: median regret {Median(regrets):G4}; per seed {string.Join(" ", regrets.Select(r => r.ToString("G2")))}");
        Assert.True(Median(regrets) < medianBelow, $"{problem}: median regret over 30 seeds {Median(regrets):G4}, expected below {medianBelow} (most runs on the best choice, tuned).");
    }

    [Fact]
    public void Measures_the_cost_per_proposal()
    {
        // Not a timed assertion (shared build machines): the numbers go to the test output.
        var space = Spaces.Box(5, -5, 5);
        foreach (int size in new[] { 100, 1000 })
        {
            var random = new Random(size);
            var history = new List<FrozenTrial>(size);
            for (int i = 0; i < size; i++)
            {
                var x = new RandomSampler().Sample(space, Array.Empty<FrozenTrial>(), Direction.Minimize, random);
                history.Add(TrialFactory.Complete(i, x, TestFunctions.Rosenbrock(x)));
            }
            var sampler = new TpeSampler();
            // Warm-up past tiered JIT, then five batches; the fastest batch is the least disturbed by other processes.
            for (int i = 0; i < 300; i++) sampler.Sample(space, history, Direction.Minimize, random);
            int calls = size >= 1000 ? 100 : 400;
            var perCall = new List<double>();
            for (int batch = 0; batch < 5; batch++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++) sampler.Sample(space, history, Direction.Minimize, random);
                perCall.Add(watch.Elapsed.TotalMilliseconds / calls);
            }
            perCall.Sort();
            string line = $"TPE, 5 parameters, {size} trials of history: {perCall[0]:F3} ms per proposal (fastest of 5 batches; median {perCall[2]:F3} ms)";
            output.WriteLine(line);
            Console.WriteLine(line);
        }
    }
}
