using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>Pareto dominance with constraints, non-dominated sorting, crowding distance and the 2-D hypervolume.</summary>
public class ParetoTests
{
    private static readonly Direction[] MinMin = [Direction.Minimize, Direction.Minimize];
    private static readonly Direction[] MaxMin = [Direction.Maximize, Direction.Minimize];

    [Fact]
    public void A_point_dominates_when_no_worse_in_every_objective_and_better_in_one_in_each_objectives_direction()
    {
        Assert.True(ParetoRanking.Dominates([1, 2], [1, 3], MinMin));    // equal, then better
        Assert.False(ParetoRanking.Dominates([1, 3], [1, 2], MinMin));
        Assert.False(ParetoRanking.Dominates([1, 2], [1, 2], MinMin));   // equal points: neither dominates
        Assert.False(ParetoRanking.Dominates([1, 3], [2, 2], MinMin));   // a trade-off: neither
        Assert.False(ParetoRanking.Dominates([2, 2], [1, 3], MinMin));
        Assert.True(ParetoRanking.Dominates([0.9, 2], [0.8, 2], MaxMin));   // accuracy is maximised
        Assert.False(ParetoRanking.Dominates([0.8, 2], [0.9, 2], MaxMin));
        Assert.Throws<ArgumentException>(() => ParetoRanking.Dominates([1], [1, 2], MinMin));
    }

    [Fact]
    public void Constrained_domination_puts_feasibility_first_then_the_smaller_violation_then_dominance()
    {
        double[] good = [1, 1], bad = [9, 9];
        Assert.True(ParetoRanking.ConstrainedDominates(bad, [0, -1], good, [0.5], MinMin));    // feasible (≤ 0) beats infeasible, whatever the objectives
        Assert.False(ParetoRanking.ConstrainedDominates(good, [0.5], bad, [0, -1], MinMin));
        Assert.True(ParetoRanking.ConstrainedDominates(bad, [0.1, 0.1], good, [0.5], MinMin)); // both infeasible: total violation 0.2 < 0.5
        Assert.False(ParetoRanking.ConstrainedDominates(good, [0.25, -9], bad, [0.25], MinMin)); // equal violations: neither
        Assert.True(ParetoRanking.ConstrainedDominates(good, null, bad, [-1], MinMin));         // both feasible: plain dominance
        Assert.False(ParetoRanking.ConstrainedDominates(bad, null, good, [-1], MinMin));
        Assert.Equal(0.75, ParetoRanking.Violation([0.5, -2, 0.25]));
        Assert.True(ParetoRanking.IsFeasible(null));
        Assert.True(ParetoRanking.IsFeasible([0.0, -1]));
        Assert.False(ParetoRanking.IsFeasible([1e-12]));
    }

    [Fact]
    public void Ranks_are_successive_non_dominated_fronts_with_infeasible_points_after_every_feasible_one()
    {
        IReadOnlyList<double>[] points = [[1, 4], [2, 2], [4, 1], [2, 4], [3, 3], [5, 5], [0, 0], [2, 2]];
        IReadOnlyList<double>?[] constraints = [null, null, null, null, null, null, [1], null];   // the ideal point is infeasible
        var ranks = ParetoRanking.Ranks(points, constraints, MinMin);
        // Front 0: (1,4), (2,2), (4,1) and the duplicate (2,2) (equal points do not dominate each other);
        // front 1: (2,4) and (3,3); front 2: (5,5); the infeasible (0,0) after all of them.
        Assert.Equal([0, 0, 0, 1, 1, 2, 3, 0], ranks);
    }

    [Fact]
    public void Crowding_distance_is_infinite_at_each_objectives_extremes_and_the_normalised_neighbour_gap_inside()
    {
        IReadOnlyList<double>[] points = [[0, 4], [1, 2], [3, 1], [4, 0]];
        var d = ParetoRanking.CrowdingDistances(points, [0, 1, 2, 3]);
        Assert.True(double.IsPositiveInfinity(d[0]));
        Assert.True(double.IsPositiveInfinity(d[3]));
        // (1,2): neighbours (0,4) and (3,1): (3-0)/4 + (4-1)/4; (3,1): neighbours (1,2) and (4,0): (4-1)/4 + (2-0)/4.
        Assert.Equal(3.0 / 4 + 3.0 / 4, d[1], 12);
        Assert.Equal(3.0 / 4 + 2.0 / 4, d[2], 12);
    }

    [Fact]
    public void The_2D_hypervolume_is_the_area_the_points_dominate_up_to_the_reference()
    {
        Assert.Equal(1.0, ParetoRanking.Hypervolume2D([(1, 1)], (2, 2)), 12);
        // (0,1) and (1,0) under (2,2): 2·1 + 1·1 (the second adds the strip below y = 1 right of x = 1).
        Assert.Equal(3.0, ParetoRanking.Hypervolume2D([(0, 1), (1, 0)], (2, 2)), 12);
        Assert.Equal(3.0, ParetoRanking.Hypervolume2D([(1, 0), (0, 1), (1, 1), (5, -1)], (2, 2)), 12);   // dominated and outside points add nothing
        Assert.Equal(0.0, ParetoRanking.Hypervolume2D([], (2, 2)));
    }

    [Fact]
    public void A_schema_needs_an_objective_and_a_direction_for_each()
    {
        Assert.Contains("at least one objective", Assert.Throws<ArgumentException>(() => new ObjectiveSchema([], ["c"])).Message);
        Assert.Contains("'a' has direction Auto", Assert.Throws<ArgumentException>(() => new ObjectiveSchema([new ObjectiveSpec("a", Direction.Auto)], [])).Message);
        Assert.Contains("names a member twice", Assert.Throws<ArgumentException>(() => new ObjectiveSchema([new ObjectiveSpec("a", Direction.Minimize)], ["a"])).Message);
        Assert.Equal("acc maximize, ms minimize; constraints mem ≤ 0",
            new ObjectiveSchema([new ObjectiveSpec("acc", Direction.Maximize), new ObjectiveSpec("ms", Direction.Minimize)], ["mem"]).ToString());
    }
}
