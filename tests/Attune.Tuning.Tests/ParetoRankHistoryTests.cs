using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>What a single-objective sampler (TPE) is given when the score has several objectives or constraints.</summary>
public class ParetoRankHistoryTests
{
    private static FrozenTrial Scored(int number, double[] objectives, double[]? constraints = null)
        => TrialFactory.Complete(number, [number], objectives[0]) with { Objectives = objectives, Constraints = constraints };

    [Fact]
    public void With_several_objectives_the_value_becomes_a_key_to_minimise_ordered_by_feasibility_front_and_crowding()
    {
        Direction[] directions = [Direction.Maximize, Direction.Minimize];
        var history = new List<FrozenTrial>
        {
            Scored(0, [0.9, 30]),            // front 0, an extreme
            Scored(1, [0.8, 20]),            // front 0, in the middle
            Scored(2, [0.7, 10]),            // front 0, an extreme
            Scored(3, [0.7, 25]),            // front 1 (dominated by 1)
            Scored(4, [0.99, 1], [0.5]),     // the best point, but infeasible: last
            TrialFactory.Running(5, [5]),
        };
        var (ranked, direction) = ParetoRankHistory.ForSingleObjectiveSampler(history, directions);
        Assert.Equal(Direction.Minimize, direction);
        double Key(int n) => ranked[n].Value!.Value;
        Assert.All(new[] { 0, 1, 2 }, n => Assert.InRange(Key(n), 0, 0.5));
        Assert.True(Key(1) > Key(0) && Key(1) > Key(2), "the crowded middle of a front ranks after its extremes");
        Assert.Equal(1, Key(3));
        Assert.True(Key(4) > Key(3));
        Assert.Null(ranked[5].Value);                       // running trials are passed on as they are
        Assert.Equal(history[3].Values, ranked[3].Values);
        Assert.Equal([0.7, 25], ranked[3].Objectives!);
    }

    [Theory]
    [InlineData(Direction.Maximize)]
    [InlineData(Direction.Minimize)]
    public void With_one_objective_and_constraints_infeasible_trials_fall_behind_the_worst_feasible_one_in_the_studys_direction(Direction d)
    {
        var history = new List<FrozenTrial>
        {
            Scored(0, [5], [-1]),
            Scored(1, [7], [0]),
            Scored(2, [100], [2]),     // infeasible, by 2
            Scored(3, [-100], [0.5]),  // infeasible, by 0.5
        };
        var (ranked, direction) = ParetoRankHistory.ForSingleObjectiveSampler(history, [d]);
        Assert.Equal(d, direction);
        Assert.Equal(5, ranked[0].Value);
        Assert.Equal(7, ranked[1].Value);
        double Better(double v) => d == Direction.Maximize ? v : -v;
        double worstFeasible = Math.Min(Better(5), Better(7));
        Assert.True(Better(ranked[3].Value!.Value) < worstFeasible);
        Assert.True(Better(ranked[2].Value!.Value) < Better(ranked[3].Value!.Value), "the larger violation ranks last");
    }
}
