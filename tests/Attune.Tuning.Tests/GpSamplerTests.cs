using Xunit.Abstractions;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class GpSamplerTests
{
    private readonly ITestOutputHelper output;

    public GpSamplerTests(ITestOutputHelper output) => this.output = output;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    private (double Gp, double Tpe, double Random) MedianRegrets(SearchSpace space, Func<IReadOnlyList<double>, double> f, double minimum, int trials, int seeds)
    {
        double Regret(Func<ISampler> create, int seed) => TestFunctions.Optimize(create(), space, f, trials, seed) - minimum;
        var gp = Enumerable.Range(0, seeds).Select(s => Regret(() => new GpSampler(), s)).ToList();
        var tpe = Enumerable.Range(0, seeds).Select(s => Regret(() => new TpeSampler(), s)).ToList();
        var random = Enumerable.Range(0, seeds).Select(s => Regret(() => new RandomSampler(), s)).ToList();
        output.WriteLine($"{space.Name}, {trials} trials, {seeds} seeds: median regret GP {Median(gp):G4}, TPE {Median(tpe):G4}, random {Median(random):G4}");
        return (Median(gp), Median(tpe), Median(random));
    }

    // Measured (SweepBench quality, seeds 0-9): Branin at 25 trials GP 0.024, TPE 1.15, random 1.03; Hartmann-6 at 50
    // trials GP 0.013, TPE 0.73, random 1.65. The margins asserted are far looser than the measured ones.
    [Fact]
    public void Beats_TPE_and_random_search_on_Branin_at_25_trials()
    {
        var (gp, tpe, random) = MedianRegrets(TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum, 25, 10);
        Assert.True(gp < 0.2 * tpe, $"GP {gp} vs TPE {tpe}");
        Assert.True(gp < 0.2 * random, $"GP {gp} vs random {random}");
    }

    [Fact]
    public void Beats_TPE_and_random_search_on_Hartmann6_at_50_trials()
    {
        var (gp, tpe, random) = MedianRegrets(TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, TestFunctions.Hartmann6Minimum, 50, 10);
        Assert.True(gp < 0.5 * tpe, $"GP {gp} vs TPE {tpe}");
        Assert.True(gp < 0.5 * random, $"GP {gp} vs random {random}");
    }

    [Fact]
    public void Proposals_respect_bounds_grids_choices_and_conditions_on_a_mixed_space()
    {
        var space = Spaces.Mixed();
        var sampler = new GpSampler(new GpOptions { StartupTrials = 5 });
        var random = new Random(11);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 40; i++)
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
            if (sgd) Assert.InRange(v[6], 0.5, 0.99); else Assert.InRange(v[7], 0.9, 0.9999);
            // Likes adam, lr near 1e-3, wide layers; pruned, failed and running trials mixed in.
            double loss = Math.Abs(Math.Log10(v[0]) + 3) + (v[5] == 1 ? 0 : 1) + 100 / v[3];
            history.Add((i % 7) switch
            {
                4 => TrialFactory.Running(i, v),
                5 => TrialFactory.Pruned(i, v, new Dictionary<int, double> { [0] = loss + 1 }),
                6 => TrialFactory.Failed(i, v),
                _ => TrialFactory.Complete(i, v, loss),
            });
        }
        // It learned the categorical: adam in most of the model-based proposals.
        Assert.True(history.Skip(20).Count(t => t.Values[5] == 1) > 12, string.Join(", ", history.Skip(20).Select(t => t.Values[5])));
    }

    [Fact]
    public void Same_seed_same_sequence_other_seed_other_sequence()
    {
        static List<double[]> Run(int seed)
        {
            var space = Spaces.Mixed();
            var sampler = new GpSampler(new GpOptions { StartupTrials = 4 });
            var random = new Random(seed);
            var history = new List<FrozenTrial>();
            var draws = new List<double[]>();
            for (int i = 0; i < 12; i++)
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
    public void A_resumed_study_proposes_what_the_uninterrupted_one_would_have()
    {
        // Per-trial streams as the driver makes them (TrialSeeds.For); the "resumed" sampler is a new instance that
        // gets the stored history back in another order, as a storage may return it.
        var space = TestFunctions.BraninSpace();
        var uninterrupted = new GpSampler();
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 20; i++)
        {
            var x = uninterrupted.Sample(space, history, Direction.Minimize, TrialSeeds.For(7, i));
            history.Add(TrialFactory.Complete(i, x, TestFunctions.Branin(x)));
        }
        var next = uninterrupted.Sample(space, history, Direction.Minimize, TrialSeeds.For(7, 20));
        var stored = history.AsEnumerable().Reverse().ToList();
        var resumed = new GpSampler().Sample(space, stored, Direction.Minimize, TrialSeeds.For(7, 20));
        Assert.Equal(next, resumed);
    }

    [Fact]
    public void Maximize_climbs_instead_of_descending()
    {
        var space = TestFunctions.BraninSpace();
        var sampler = new GpSampler();
        var random = new Random(1);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 30; i++)
        {
            var x = sampler.Sample(space, history, Direction.Maximize, random);
            history.Add(TrialFactory.Complete(i, x, -TestFunctions.Branin(x)));
        }
        double best = history.Max(t => t.Value!.Value);
        Assert.True(-best - TestFunctions.BraninMinimum < 0.2, $"best {-best}");
        Assert.True(history.Skip(20).Average(t => t.Value!.Value) > history.Take(10).Average(t => t.Value!.Value));
    }

    [Fact]
    public void Kriging_believer_spreads_parallel_workers_away_from_running_points()
    {
        // 8 workers start one after another before any finishes: each proposal joins the history as Running. Without
        // the believer every worker chases the same maximum of the acquisition.
        var space = TestFunctions.BraninSpace();
        double Spread(bool believer)
        {
            var distances = new List<double>();
            for (int seed = 0; seed < 5; seed++)
            {
                var sampler = new GpSampler(new GpOptions { KrigingBeliever = believer });
                var random = new Random(seed);
                var history = new List<FrozenTrial>();
                for (int i = 0; i < 15; i++)
                {
                    var x = new RandomSampler().Sample(space, history, Direction.Minimize, random);
                    history.Add(TrialFactory.Complete(i, x, TestFunctions.Branin(x)));
                }
                var running = new List<double[]>();
                for (int w = 0; w < 8; w++)
                {
                    var x = sampler.Sample(space, history, Direction.Minimize, random);
                    // Distance to the nearest proposal already running, in units of the ranges (15 on both axes).
                    if (running.Count > 0) distances.Add(running.Min(r => Math.Sqrt(Math.Pow(r[0] - x[0], 2) + Math.Pow(r[1] - x[1], 2)) / 15));
                    running.Add(x);
                    history.Add(TrialFactory.Running(history.Count, x));
                }
            }
            return Median(distances);
        }
        double with = Spread(true), without = Spread(false);
        output.WriteLine($"median distance of a parallel proposal to the nearest running one: believer {with:G3}, without {without:G3}");
        Assert.True(with > 0.05, $"with the believer {with}");
        Assert.True(with > 5 * without, $"with {with}, without {without}");
    }

    [Fact]
    public void Pruned_trials_count_as_bad_and_failed_ones_are_ignored()
    {
        // One-dimensional: completed trials on the left half say the right half is better, slope down to the right.
        // Pruned trials fill the right end: the GP must not go back there. Failed trials at the left end are no
        // evidence either way; only the pruned ones move the proposal.
        var space = new SearchSpace("line", new[] { new ParameterSpec("x", ParameterKind.Float, 0, 1) });
        var history = new List<FrozenTrial>();
        int n = 0;
        foreach (double x in new[] { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }) history.Add(TrialFactory.Complete(n++, new[] { x }, 1 - x));
        var sampler = new GpSampler(new GpOptions { StartupTrials = 5 });
        var free = sampler.Sample(space, history, Direction.Minimize, new Random(3));
        foreach (double x in new[] { 0.8, 0.85, 0.9, 0.95, 1.0 }) history.Add(TrialFactory.Pruned(n++, new[] { x }, new Dictionary<int, double> { [0] = 0.1 }));
        foreach (double x in new[] { 0.02, 0.05 }) history.Add(TrialFactory.Failed(n++, new[] { x }));
        var afterPruning = sampler.Sample(space, history, Direction.Minimize, new Random(3));
        output.WriteLine($"proposal without pruned trials {free[0]:F3}, with {afterPruning[0]:F3}");
        Assert.True(free[0] > 0.75, $"extrapolating the slope, it went to {free[0]}");
        Assert.InRange(afterPruning[0], 0.4, 0.75); // still down the completed trials' slope, short of the pruned ones
    }

    [Fact]
    public void Startup_trials_are_random_and_running_ones_do_not_count()
    {
        var space = TestFunctions.BraninSpace();
        var history = Enumerable.Range(0, 20).Select(i => TrialFactory.Running(i, new[] { 1.0, 1.0 })).ToList();
        for (int i = 0; i < 9; i++) history.Add(TrialFactory.Complete(20 + i, new[] { 1.0, 1.0 + i }, i));
        // 9 finished of 10: still the random sampler's draw from the same stream.
        var v = new GpSampler().Sample(space, history, Direction.Minimize, new Random(1));
        Assert.Equal(new RandomSampler().Sample(space, history, Direction.Minimize, new Random(1)), v);
    }

    [Fact]
    public void A_history_far_beyond_the_cap_still_gives_a_valid_proposal()
    {
        var space = Spaces.Mixed();
        var random = new Random(4);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 1500; i++)
        {
            var v = new RandomSampler().Sample(space, history, Direction.Minimize, random);
            history.Add(TrialFactory.Complete(i, v, Math.Abs(Math.Log10(v[0]) + 3) + v[1]));
        }
        var x = new GpSampler(new GpOptions { MaxTrials = 120, MaxFitTrials = 40 }).Sample(space, history, Direction.Minimize, new Random(5));
        Assert.InRange(x[0], 1e-5, 1e-1);
        Assert.Contains(x[5], new[] { 0.0, 1.0, 2.0 });
        // It proposes near the best region (lr ≈ 1e-3, low dropout) rather than anywhere.
        Assert.InRange(Math.Log10(x[0]), -4, -2);
    }

    [Fact]
    public void Log_expected_improvement_is_accurate_deep_in_the_tail()
    {
        // Reference values from scipy: log(z Φ(z) + φ(z)) and Φ(z)/h(z), through erfcx below z = -3.
        var reference = new (double Z, double LogH, double Slope)[]
        {
            (2, 0.6973835457882284, 0.48655931878528386), (0, -0.9189385332046727, 1.2533141373155001),
            (-1, -2.4851210257126413, 1.9042712333296923), (-2.9, -7.520846492887871, 3.4445327294133214),
            (-3.1, -8.227329393572749, 3.6206042621431918), (-5, -16.744301162660985, 5.361816241288063),
            (-10, -55.553122036122346, 10.194383033412445), (-40, -808.2985683566197, 40.049906657638644),
        };
        foreach (var (z, logH, slope) in reference)
        {
            double value = LogExpectedImprovement.LogH(z, out double derivative);
            Assert.True(Math.Abs(value - logH) < 1e-5 * Math.Max(1, Math.Abs(logH)), $"z {z}: log h {value}, expected {logH}");
            Assert.True(Math.Abs(derivative - slope) < 1e-4 * slope, $"z {z}: slope {derivative}, expected {slope}");
        }
    }

    [Fact]
    public void Factory_and_options_validation()
    {
        Assert.IsType<GpSampler>(Samplers.Create(Sampler.Gp));
        Assert.Equal(5, ((GpSampler)Samplers.Create(Sampler.Gp, gp: new GpOptions { StartupTrials = 5 })).Options.StartupTrials);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GpSampler(new GpOptions { Candidates = 0 }));
        Assert.Contains("GpOptions.Candidates is 0; expected at least 1.", error.Message);
        Assert.Throws<ArgumentException>(() => new GpSampler().Sample(TestFunctions.BraninSpace(), Array.Empty<FrozenTrial>(), Direction.Auto, new Random(1)));
    }
}
