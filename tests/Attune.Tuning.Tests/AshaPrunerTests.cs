using static Attune.Tuning.Tests.TrialFactory;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class AshaPrunerTests
{
    private static bool Decide(IPruner pruner, List<FrozenTrial> history, int step, double value, Direction direction = Direction.Minimize)
    {
        var trial = AtSteps(99, TrialState.Running, (step, value));
        return pruner.ShouldPrune(trial, step, history.Append(trial).ToList(), direction);
    }

    [Fact]
    public void Rungs_are_at_r_times_eta_to_the_k_plus_s()
    {
        var asha = new AshaPruner();
        Assert.Equal(new[] { 1, 3, 9, 27, 81 }, Enumerable.Range(0, 100).Where(asha.IsRung));
        var skipped = new AshaPruner(minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1);
        Assert.Equal(new[] { 4, 8, 16, 32, 64 }, Enumerable.Range(0, 100).Where(skipped.IsRung));
    }

    [Fact]
    public void Keeps_the_top_third_of_a_rung_and_prunes_the_rest()
    {
        // Rung 1 holds 0.5, 0.7 (and the new trial): 3 values → the single best goes on.
        var history = new List<FrozenTrial>
        {
            AtSteps(0, TrialState.Complete, (1, 0.5), (3, 0.3)),
            AtSteps(1, TrialState.Pruned, (1, 0.7)),
        };
        var asha = new AshaPruner();
        Assert.True(Decide(asha, history, 1, 0.9));
        Assert.True(Decide(asha, history, 1, 0.6));
        Assert.False(Decide(asha, history, 1, 0.4));
        Assert.False(Decide(asha, history, 1, 0.5)); // tie with the bar is promoted
        // Six values → the best two go on: {0.5, 0.7, 0.2, 0.8, 0.9} + new.
        history.Add(AtSteps(2, TrialState.Running, (1, 0.2)));
        history.Add(AtSteps(3, TrialState.Pruned, (1, 0.8)));
        history.Add(AtSteps(4, TrialState.Failed, (1, 0.9)));
        Assert.False(Decide(asha, history, 1, 0.45));
        Assert.True(Decide(asha, history, 1, 0.55));
    }

    [Fact]
    public void With_fewer_than_eta_values_the_trial_is_promoted()
    {
        var history = new List<FrozenTrial> { AtSteps(0, TrialState.Complete, (1, 0.1)) };
        Assert.False(Decide(new AshaPruner(), history, 1, 100));
        Assert.False(Decide(new AshaPruner(), new List<FrozenTrial>(), 1, 100));
    }

    [Fact]
    public void Steps_between_rungs_never_prune()
    {
        var history = Enumerable.Range(0, 9).Select(i => AtSteps(i, TrialState.Complete, (0, 0.1), (1, 0.1), (2, 0.1), (3, 0.1))).ToList();
        var asha = new AshaPruner();
        Assert.False(Decide(asha, history, 0, 100));
        Assert.False(Decide(asha, history, 2, 100));
        Assert.True(Decide(asha, history, 3, 100));
        Assert.False(Decide(new AshaPruner(minEarlyStoppingRate: 1), history, 1, 100));
    }

    [Fact]
    public void Maximize_keeps_the_largest_values()
    {
        var history = new List<FrozenTrial>
        {
            AtSteps(0, TrialState.Complete, (1, 0.5)),
            AtSteps(1, TrialState.Complete, (1, 0.7)),
        };
        Assert.False(Decide(new AshaPruner(), history, 1, 0.9, Direction.Maximize));
        Assert.True(Decide(new AshaPruner(), history, 1, 0.6, Direction.Maximize));
    }

    [Fact]
    public void Synthetic_learning_curves_only_the_best_reach_the_top_rung()
    {
        // 27 trials, reported one after another (asynchronous: each sees the rungs as earlier trials left them).
        // Curve of trial i: final quality q_i (a shuffled permutation), loss(step) = q_i + 1/(step+1).
        var order = Enumerable.Range(0, 27).OrderBy(i => (i * 7) % 27).ToArray();
        var asha = new AshaPruner();
        var history = new List<FrozenTrial>();
        var lastStep = new Dictionary<int, int>();
        for (int n = 0; n < 27; n++)
        {
            double q = order[n];
            var intermediate = new Dictionary<int, double>();
            int reached = 0;
            for (int step = 0; step <= 9; step++)
            {
                intermediate[step] = q + 1.0 / (step + 1);
                reached = step;
                var trial = new FrozenTrial(n, TrialState.Running, new[] { 0.0 }, null, new Dictionary<int, double>(intermediate), DateTimeOffset.UnixEpoch, null);
                if (asha.ShouldPrune(trial, step, history, Direction.Minimize)) break;
            }
            lastStep[n] = reached;
            var state = reached < 9 ? TrialState.Pruned : TrialState.Complete;
            history.Add(new FrozenTrial(n, state, new[] { 0.0 }, intermediate[reached], intermediate, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        }
        // Qualities in arrival order: 0, 4, 8, 12, 16, 20, 24, 1, 5, 9, 13, 17, 21, 25, 2, 6, 10, … (0 best).
        // Worked by hand: the first two arrivals pass every rung for lack of company (fewer than η values there);
        // after that a trial passes rung 1 only if in the top third of rung 1 so far: qualities 1, 2 and 3 do, each
        // then meets rung 3 with the 0 and 4 trials' values already there and is stopped at 3.
        var expected = new[] { 9, 9, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1 };
        Assert.Equal(expected, Enumerable.Range(0, 27).Select(n => lastStep[n]));
    }
}
