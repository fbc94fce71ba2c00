using static Attune.Tuning.Tests.TrialFactory;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class MedianPrunerTests
{
    // Five completed learning curves (a loss: lower is better).
    //   step:   0    1    2
    //   T0:   1.0  0.8  0.6
    //   T1:   1.2  0.9  0.7
    //   T2:   0.9  0.7  0.5
    //   T3:   1.1  1.0  0.9
    //   T4:   1.3  0.6  0.4
    // Median at step 0 = 1.1; best-so-far at step 1 = {0.8, 0.9, 0.7, 1.0, 0.6} → median 0.8.
    private static List<FrozenTrial> History() => new()
    {
        Curve(0, TrialState.Complete, 1.0, 0.8, 0.6),
        Curve(1, TrialState.Complete, 1.2, 0.9, 0.7),
        Curve(2, TrialState.Complete, 0.9, 0.7, 0.5),
        Curve(3, TrialState.Complete, 1.1, 1.0, 0.9),
        Curve(4, TrialState.Complete, 1.3, 0.6, 0.4),
    };

    private static bool[] Decisions(IPruner pruner, List<FrozenTrial> history, Direction direction, params double[] curve)
    {
        var decisions = new bool[curve.Length];
        for (int s = 0; s < curve.Length; s++)
        {
            var trial = Curve(99, TrialState.Running, curve[..(s + 1)]);
            decisions[s] = pruner.ShouldPrune(trial, s, history.Append(trial).ToList(), direction);
        }
        return decisions;
    }

    [Fact]
    public void Prunes_a_minimized_trial_worse_than_the_median_at_its_step()
    {
        // 1.05 < 1.1 at step 0 keeps it; at step 1 its best is 0.85 > 0.8.
        Assert.Equal(new[] { false, true }, Decisions(new MedianPruner(), History(), Direction.Minimize, 1.05, 0.85));
        // Exactly the median is not worse.
        Assert.Equal(new[] { false, false }, Decisions(new MedianPruner(), History(), Direction.Minimize, 1.1, 0.8));
    }

    [Fact]
    public void Warmup_steps_and_interval_are_respected()
    {
        Assert.Equal(new[] { false, false, false }, Decisions(new MedianPruner(warmupSteps: 2), History(), Direction.Minimize, 1.05, 0.85, 0.6));
        Assert.Equal(new[] { false, false, true }, Decisions(new MedianPruner(warmupSteps: 2), History(), Direction.Minimize, 1.05, 0.85, 0.61));
        // Interval 2 from warm-up 0: steps 0 and 2 decide, step 1 never does.
        Assert.Equal(new[] { true, false, true }, Decisions(new MedianPruner(intervalSteps: 2), History(), Direction.Minimize, 2, 2, 2));
    }

    [Fact]
    public void Startup_trials_must_complete_before_anything_is_pruned()
    {
        Assert.Equal(new[] { false, false }, Decisions(new MedianPruner(startupTrials: 6), History(), Direction.Minimize, 5, 5));
        // Running and pruned trials give evidence but do not count as completed start-up trials.
        var history = History();
        history[4] = history[4] with { State = TrialState.Running, Value = null };
        Assert.Equal(new[] { false, false }, Decisions(new MedianPruner(startupTrials: 5), history, Direction.Minimize, 5, 5));
        Assert.Equal(new[] { true, true }, Decisions(new MedianPruner(startupTrials: 4), history, Direction.Minimize, 5, 5));
    }

    [Fact]
    public void Maximize_flips_the_comparison_and_uses_the_best_so_far()
    {
        // Maximizing: median at step 0 = 1.1; best-so-far (max) at step 1 = {1.0, 1.2, 0.9, 1.1, 1.3} → 1.1.
        Assert.Equal(new[] { false, false }, Decisions(new MedianPruner(), History(), Direction.Maximize, 1.15, 0.5));
        Assert.Equal(new[] { true, true }, Decisions(new MedianPruner(), History(), Direction.Maximize, 1.05, 0.5));
    }

    [Fact]
    public void Failed_trials_are_ignored_and_a_step_nobody_else_reached_is_never_pruned()
    {
        var history = History();
        history.Add(Curve(5, TrialState.Failed, 0.1, 0.1));
        history.Add(Curve(6, TrialState.Failed, 0.1, 0.1));
        Assert.Equal(new[] { false, true }, Decisions(new MedianPruner(), history, Direction.Minimize, 1.05, 0.85));
        Assert.Equal(new[] { false, false, false, false }, Decisions(new MedianPruner(), History(), Direction.Minimize, 0.1, 0.1, 0.1, 9));
    }

    [Fact]
    public void A_diverged_NaN_value_is_pruned()
    {
        Assert.Equal(new[] { false, true }, Decisions(new MedianPruner(), History(), Direction.Minimize, 0.5, double.NaN));
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MedianPruner(intervalSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MedianPruner(startupTrials: -1));
    }
}
