using static Attune.Tuning.Tests.TrialFactory;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class HyperbandPrunerTests
{
    /// <summary>The first <paramref name="count"/> trial numbers that <paramref name="brackets"/> puts in <paramref name="bracket"/>.</summary>
    private static int[] NumbersIn(HyperbandBrackets brackets, int bracket, int count)
        => Enumerable.Range(0, 100_000).Where(n => brackets.BracketOf(n) == bracket).Take(count).ToArray();

    [Fact]
    public void Brackets_are_one_per_rung_up_to_the_maximum_resource()
    {
        // r = 1, η = 3: rungs 1, 3, 9, 27. R = 27 reaches the fourth; R = 26 does not.
        Assert.Equal(4, new HyperbandBrackets(1, 27, 3).Count);
        Assert.Equal(3, new HyperbandBrackets(1, 26, 3).Count);
        Assert.Equal(1, new HyperbandBrackets(4, 7, 2).Count);
        Assert.Equal(2, new HyperbandBrackets(4, 8, 2).Count);
        // Bracket b starts deciding at r·η^b.
        var brackets = new HyperbandBrackets(2, 100, 3);
        Assert.Equal(new long[] { 2, 6, 18, 54 }, Enumerable.Range(0, brackets.Count).Select(brackets.FirstRung));
    }

    [Fact]
    public void Bracket_assignment_is_deterministic_and_each_cycle_holds_exactly_the_budgets()
    {
        // R = 29 (30 epochs), r = 1, η = 3: 4 brackets; bracket b with s = 3 − b halvings to go gets ⌈4·3^s/(s+1)⌉:
        // 27, 12, 6, 4 trials per cycle of 49 (Hyperband's budgets: the aggressive brackets, whose trials are cheap, get most).
        var brackets = new HyperbandBrackets(1, 29, 3);
        Assert.Equal(new double[] { 27, 12, 6, 4 }, brackets.Budgets);
        Assert.Equal(49, brackets.CycleLength);
        var again = new HyperbandBrackets(1, 29, 3);
        Assert.Equal(Enumerable.Range(0, 500).Select(brackets.BracketOf), Enumerable.Range(0, 500).Select(again.BracketOf));

        // Any window of one cycle, wherever it starts, holds each bracket its budget's times.
        foreach (int start in new[] { 0, 1, 17, 48, 1000 })
        {
            var counts = Enumerable.Range(start, brackets.CycleLength).GroupBy(brackets.BracketOf).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(brackets.Budgets, Enumerable.Range(0, brackets.Count).Select(b => (double)counts[b]));
        }

        // Interleaved, not in blocks: every bracket has its first trial within the first 49 / 4 ≈ 13 numbers, and no
        // bracket waits longer than twice its average spacing for its next trial.
        for (int b = 0; b < brackets.Count; b++)
        {
            var numbers = NumbersIn(brackets, b, 40);
            Assert.True(numbers[0] < 13, $"bracket {b} first appears at trial {numbers[0]}");
            double spacing = brackets.CycleLength / brackets.Budgets[b];
            Assert.All(numbers.Zip(numbers.Skip(1), (x, y) => y - x), gap => Assert.True(gap <= 2 * spacing, $"bracket {b}: gap {gap} > 2 × {spacing:F1}"));
        }
    }

    [Fact]
    public void Very_long_runs_keep_the_budget_proportions_in_a_bounded_table()
    {
        // Steps counted in batches: R/r in the millions gives 21 brackets whose budgets sum to millions; the table is
        // scaled down to the same proportions.
        var brackets = new HyperbandBrackets(1, 2_000_000, 2);
        Assert.Equal(21, brackets.Count);
        Assert.InRange(brackets.CycleLength, 1 << 15, 1 << 17);
        var counts = Enumerable.Range(0, brackets.CycleLength).GroupBy(brackets.BracketOf).ToDictionary(g => g.Key, g => g.Count());
        double total = brackets.Budgets.Sum();
        Assert.InRange(counts[0] / (double)brackets.CycleLength, 0.95 * brackets.Budgets[0] / total, 1.05 * brackets.Budgets[0] / total);
        Assert.All(Enumerable.Range(0, brackets.Count), b => Assert.True(counts[b] >= 1));
    }

    [Fact]
    public void Within_a_bracket_exactly_the_top_third_goes_on_at_each_rung()
    {
        var pruner = new HyperbandPruner(minResource: 1, reductionFactor: 3, maxResource: 29);
        var brackets = new HyperbandBrackets(1, 29, 3);
        // Nine trials of bracket 0 with distinct values at rung 1; each decided against the other eight.
        var numbers = NumbersIn(brackets, 0, 9);
        var values = new[] { 0.9, 0.3, 0.7, 0.1, 0.8, 0.5, 0.2, 0.6, 0.4 };
        var history = numbers.Select((n, i) => AtSteps(n, TrialState.Running, (1, values[i]))).ToList();
        var goOn = history.Where(t => !pruner.ShouldPrune(t, 1, history, Direction.Minimize)).Select(t => t.Intermediate[1]).Order();
        Assert.Equal(values.Order().Take(3), goOn);

        // At rung 3 the three survivors meet: one goes on (top 1/3 of 3).
        var atThree = numbers.Take(3).Select((n, i) => AtSteps(n, TrialState.Running, (1, 0.1), (3, 0.05 * (i + 1)))).ToList();
        Assert.Equal(new[] { 0.05 }, atThree.Where(t => !pruner.ShouldPrune(t, 3, atThree, Direction.Minimize)).Select(t => t.Intermediate[3]));

        // Maximize keeps the largest.
        var maxGoOn = history.Where(t => !pruner.ShouldPrune(t, 1, history, Direction.Maximize)).Select(t => t.Intermediate[1]).Order();
        Assert.Equal(values.Order().TakeLast(3), maxGoOn);
    }

    [Fact]
    public void A_trial_is_only_judged_at_its_own_brackets_rungs()
    {
        var pruner = new HyperbandPruner(1, 3, maxResource: 29);
        var brackets = new HyperbandBrackets(1, 29, 3);
        // Bracket 1 (first rung 3): nine trials at step 1 with a clear loser are never pruned at 1, only from 3 on.
        var numbers = NumbersIn(brackets, 1, 9);
        var history = numbers.Select((n, i) => AtSteps(n, TrialState.Running, (1, 0.1 * (i + 1)), (2, 0.1 * (i + 1)), (3, 0.1 * (i + 1)))).ToList();
        var loser = history[^1];
        Assert.False(pruner.ShouldPrune(loser, 1, history, Direction.Minimize));
        Assert.False(pruner.ShouldPrune(loser, 2, history, Direction.Minimize));
        Assert.True(pruner.ShouldPrune(loser, 3, history, Direction.Minimize));
    }

    [Fact]
    public void A_trial_of_one_bracket_is_compared_only_with_that_brackets_trials()
    {
        var pruner = new HyperbandPruner(1, 3, maxResource: 29);
        var brackets = new HyperbandBrackets(1, 29, 3);
        var zero = NumbersIn(brackets, 0, 4);
        var one = NumbersIn(brackets, 1, 12);
        var trial = AtSteps(zero[0], TrialState.Running, (3, 0.9));
        // Twelve far better trials at step 3, all of bracket 1 (where 3 is a rung too): no company in bracket 0, so the
        // rung holds one value and the trial goes on.
        var history = one.Select(n => AtSteps(n, TrialState.Complete, (3, 0.1))).Append(trial).ToList();
        Assert.False(pruner.ShouldPrune(trial, 3, history, Direction.Minimize));
        // Two better trials of its own bracket at step 3: now it is the worst of three and stops.
        history.Add(AtSteps(zero[1], TrialState.Pruned, (3, 0.5)));
        history.Add(AtSteps(zero[2], TrialState.Complete, (3, 0.4)));
        Assert.True(pruner.ShouldPrune(trial, 3, history, Direction.Minimize));
        // The other way round: a bracket-1 trial that is the best of its bracket goes on, though three bracket-0 trials
        // did better at the same step.
        var mine = AtSteps(one[0], TrialState.Running, (3, 0.45));
        var mixed = new List<FrozenTrial>
        {
            mine,
            AtSteps(one[1], TrialState.Complete, (3, 0.5)),
            AtSteps(one[2], TrialState.Pruned, (3, 0.6)),
            AtSteps(zero[0], TrialState.Complete, (3, 0.1)),
            AtSteps(zero[1], TrialState.Complete, (3, 0.2)),
            AtSteps(zero[2], TrialState.Complete, (3, 0.3)),
        };
        Assert.False(pruner.ShouldPrune(mine, 3, mixed, Direction.Minimize));
        Assert.True(new AshaPruner(1, 3).ShouldPrune(mine, 3, mixed, Direction.Minimize)); // one pool of six would stop it
    }

    [Fact]
    public void Never_prunes_at_or_past_the_maximum_resource()
    {
        var brackets = new HyperbandBrackets(1, 9, 3);
        var numbers = NumbersIn(brackets, 0, 9);
        // Rung 9 of bracket 0: with R = 10 it is a decision, with R = 9 it is the end of training.
        var history = numbers.Select((n, i) => AtSteps(n, TrialState.Running, (9, 0.1 * (i + 1)), (12, 0.1 * (i + 1)))).ToList();
        var worst = history[^1];
        Assert.True(new HyperbandPruner(1, 3, maxResource: 10).ShouldPrune(worst, 9, history, Direction.Minimize));
        var atNine = new HyperbandPruner(1, 3, maxResource: 9);
        Assert.False(atNine.ShouldPrune(worst, 9, history, Direction.Minimize));
        Assert.False(atNine.ShouldPrune(worst, 12, history, Direction.Minimize));
        // A diverged run is stopped at once before R, but not at R, where there is nothing left to save.
        var diverged = AtSteps(numbers[0], TrialState.Running, (5, double.NaN), (9, double.NaN));
        Assert.True(atNine.ShouldPrune(diverged, 5, history, Direction.Minimize));
        Assert.False(atNine.ShouldPrune(diverged, 9, history, Direction.Minimize));
    }

    [Fact]
    public void Auto_maximum_resource_is_the_largest_step_a_completed_trial_reported()
    {
        var auto = new HyperbandPruner(1, 3);
        Assert.Equal(HyperbandPruner.AutoMaxResource, auto.MaxResource);
        // Nothing completed: R unknown, nothing but NaN is pruned (the first trials run in full).
        var running = Enumerable.Range(0, 20).Select(n => Curve(n, TrialState.Running, 0.9, 0.8 + 0.01 * n)).ToList();
        Assert.Null(auto.ResolveMaxResource(running));
        Assert.All(running, t => Assert.False(auto.ShouldPrune(t, 1, running, Direction.Minimize)));
        Assert.True(auto.ShouldPrune(Curve(99, TrialState.Running, double.NaN), 0, running, Direction.Minimize));
        // Pruned and running trials do not set R, however far they got; completed ones do.
        var history = new List<FrozenTrial>(running)
        {
            Curve(20, TrialState.Pruned, Enumerable.Repeat(0.5, 40).ToArray()),
            Curve(21, TrialState.Complete, Enumerable.Repeat(0.5, 30).ToArray()),
            Curve(22, TrialState.Complete, Enumerable.Repeat(0.5, 12).ToArray()),
        };
        Assert.Equal(29, auto.ResolveMaxResource(history));
        Assert.Equal(new HyperbandBrackets(1, 29, 3).Budgets, auto.Brackets(history)!.Budgets);
        Assert.Equal(17, new HyperbandPruner(1, 3, maxResource: 17).ResolveMaxResource(running));
    }

    [Fact]
    public void Settings_are_validated_with_what_was_expected_and_found()
    {
        var min = Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(minResource: 0));
        Assert.Contains("at least 1", min.Message);
        var eta = Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(reductionFactor: 1));
        Assert.Contains("at least 2", eta.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(maxResource: -1));
        Assert.Contains("0 (auto", negative.Message);
        var notAbove = Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(minResource: 4, maxResource: 4));
        Assert.Contains("above the minimum resource (4)", notAbove.Message);
        Assert.Equal("maxResource", notAbove.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandBrackets(1, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandBrackets(1, 9, 3).BracketOf(-1));

        var options = new SweepOptions { Direction = Direction.Minimize, Pruner = Pruner.Hyperband };
        Assert.Empty(options.Validate());
        Assert.Contains("PrunerMaxResource is -2; expected 0 (auto", Assert.Single((options with { PrunerMaxResource = -2 }).Validate()));
        Assert.Contains("PrunerMaxResource is 3, not above PrunerMinResource (3)", Assert.Single((options with { PrunerMinResource = 3, PrunerMaxResource = 3 }).Validate()));
        Assert.Empty((options with { PrunerMinResource = 3, PrunerMaxResource = 4 }).Validate());
    }

    [Fact]
    public void Sweep_options_reach_the_pruner()
    {
        var made = Assert.IsType<HyperbandPruner>(SweepAlgorithms.CreatePruner(new SweepOptions
        {
            Direction = Direction.Maximize, Pruner = Pruner.Hyperband, PrunerMinResource = 2, PrunerReductionFactor = 4, PrunerMaxResource = 40,
        }));
        Assert.Equal((2, 4, 40), (made.MinResource, made.ReductionFactor, made.MaxResource));
        Assert.Equal(HyperbandPruner.AutoMaxResource, Assert.IsType<HyperbandPruner>(Pruners.Create(Pruner.Hyperband)).MaxResource);
    }

    [Fact]
    public void Tpe_under_hyperband_samples_from_the_new_trials_bracket_only()
    {
        var pruner = new HyperbandPruner(1, 3);
        var brackets = new HyperbandBrackets(1, 29, 3);
        var history = Enumerable.Range(0, 60).Select(n => Curve(n, n == 0 ? TrialState.Complete : TrialState.Pruned, Enumerable.Repeat(0.5, n == 0 ? 30 : 2).ToArray())).ToList();
        foreach (int next in new[] { 60, 61, 62, 63 })
        {
            var seen = SweepAlgorithms.HistoryForSampler(new TpeSampler(), pruner, next, history);
            Assert.Equal(history.Where(t => brackets.BracketOf(t.Number) == brackets.BracketOf(next)).Select(t => t.Number), seen.Select(t => t.Number));
        }
        // Every other pairing sees everything: a grid must not repeat another bracket's points, and ASHA has no brackets.
        Assert.Same(history, SweepAlgorithms.HistoryForSampler(new GridSampler(), pruner, 60, history));
        Assert.Same(history, SweepAlgorithms.HistoryForSampler(new RandomSampler(), pruner, 60, history));
        Assert.Same(history, SweepAlgorithms.HistoryForSampler(new TpeSampler(), new AshaPruner(), 60, history));
        // Before R is known (auto, nothing completed) there are no brackets yet.
        var young = history.Skip(1).ToList();
        Assert.Same(young, SweepAlgorithms.HistoryForSampler(new TpeSampler(), pruner, 60, young));
    }

    [Fact]
    public void A_resumed_study_gets_the_same_decisions_whatever_the_history_order()
    {
        var pruner = new HyperbandPruner(1, 3);
        var random = new Random(5);
        var history = Enumerable.Range(0, 60).Select(n =>
            Curve(n, n % 7 == 0 ? TrialState.Complete : TrialState.Pruned, Enumerable.Range(0, n % 7 == 0 ? 30 : 1 + n % 10).Select(_ => random.NextDouble()).ToArray())).ToList();
        var shuffled = history.OrderBy(_ => random.Next()).ToList();
        foreach (var t in history)
            foreach (int step in t.Intermediate.Keys)
                Assert.Equal(pruner.ShouldPrune(t, step, history, Direction.Minimize), new HyperbandPruner(1, 3).ShouldPrune(t, step, shuffled, Direction.Minimize));
    }

    [Fact]
    public void Through_a_real_sweep_hyperband_trains_far_fewer_steps_than_no_pruning_for_a_comparable_best()
    {
        // The same 40 trials on crossing, noisy learning curves, ten seeds (when written, medians: 508 steps against 1200,
        // regret 0.034 against 0.018: "comparable" = within two noise standard deviations of the final loss; per step
        // trained Hyperband does as well, see docs/benchmarks.md, "Pruning").
        var none = Enumerable.Range(0, 10).Select(seed => CurveSweep.Run(CurveFamily.EarlyCrossing, Pruner.None, seed, long.MaxValue, maxTrials: 40)).ToList();
        var hyperband = Enumerable.Range(0, 10).Select(seed => CurveSweep.Run(CurveFamily.EarlyCrossing, Pruner.Hyperband, seed, long.MaxValue, maxTrials: 40)).ToList();
        Assert.All(hyperband, run => Assert.Equal(40, run.Count));
        Assert.All(hyperband, run => Assert.Contains(run, t => !t.Completed));

        double Median(IEnumerable<double> xs) { var s = xs.Order().ToArray(); return 0.5 * (s[(s.Length - 1) / 2] + s[s.Length / 2]); }
        double noneSteps = Median(none.Select(r => (double)r[^1].StepsSoFar));
        double hyperbandSteps = Median(hyperband.Select(r => (double)r[^1].StepsSoFar));
        Assert.Equal(40 * CurveRecipe.Epochs, noneSteps);
        Assert.True(hyperbandSteps < 0.7 * noneSteps, $"Hyperband trained {hyperbandSteps} steps, no pruning {noneSteps}");

        double noneRegret = Median(none.Select(r => CurveSweep.RegretAt(CurveFamily.EarlyCrossing, r, long.MaxValue)));
        double hyperbandRegret = Median(hyperband.Select(r => CurveSweep.RegretAt(CurveFamily.EarlyCrossing, r, long.MaxValue)));
        Assert.True(hyperbandRegret <= noneRegret + 2 * CurveFamily.NoiseSd,
            $"median regret: Hyperband {hyperbandRegret:F4}, no pruning {noneRegret:F4}");
    }
}
