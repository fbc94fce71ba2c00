using Attune.Search;

namespace Attune.Tuning.Tests;

public class GridSamplerTests
{
    private static string Key(IReadOnlyList<double> v) => string.Join(",", v.Select(x => double.IsNaN(x) ? "-" : x.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Enumerates_conditional_children_only_when_active()
    {
        var space = Spaces.ConditionalGrid();
        var points = GridSampler.Enumerate(space).ToList();
        Assert.Equal(21, points.Count);
        Assert.Equal(21, GridSampler.Count(space));
        Assert.Equal(21, points.Select(Key).Distinct().Count());
        Assert.Equal(new[] { 1.0, 0, 0, double.NaN }, points[0]);
        Assert.All(points.Where(p => p[1] == 2), p => { Assert.True(double.IsNaN(p[2])); Assert.True(double.IsNaN(p[3])); });
    }

    [Fact]
    public void Concurrent_workers_get_every_point_exactly_once_then_exhaustion()
    {
        // Three simulated workers: each takes a point, keeps it Running for a while, and finishes it in a shuffled
        // order (some Complete, some Pruned, some Failed). Every sample sees all other workers' Running trials.
        var space = Spaces.ConditionalGrid();
        var sampler = new GridSampler();
        var history = new List<FrozenTrial>();
        var running = new List<int>();
        var random = new Random(3);
        var states = new[] { TrialState.Complete, TrialState.Pruned, TrialState.Failed };
        while (!sampler.IsExhausted(space, history))
        {
            var v = sampler.Sample(space, history, Direction.Minimize, random);
            int number = history.Count;
            history.Add(TrialFactory.Running(number, v));
            running.Add(number);
            if (running.Count == 3)
            {
                int finish = running[random.Next(running.Count)];
                running.Remove(finish);
                history[finish] = history[finish] with { State = states[finish % 3], Value = finish };
            }
        }
        Assert.Equal(21, history.Count);
        Assert.Equal(21, history.Select(t => Key(t.Values)).Distinct().Count());
        var error = Assert.Throws<InvalidOperationException>(() => sampler.Sample(space, history, Direction.Minimize, random));
        Assert.Contains("exhausted", error.Message);
    }

    [Fact]
    public void A_resumed_study_continues_where_it_stopped_and_values_a_hair_off_still_count_as_taken()
    {
        var space = new SearchSpace("g", new ParameterSpec[] { new("a", ParameterKind.Int, 0, 1, Step: 1), new("b", ParameterKind.Categorical, Choices: new[] { "x", "y" }) });
        var history = new List<FrozenTrial>
        {
            TrialFactory.Complete(0, new[] { 0.0, 1e-12 }, 1),
            TrialFactory.Failed(1, new[] { 1.0, 1.0 }),
        };
        var sampler = new GridSampler();
        Assert.Equal(new[] { 0.0, 1.0 }, sampler.Sample(space, history, Direction.Minimize, new Random(1)));
        history.Add(TrialFactory.Running(2, new[] { 0.0, 1.0 }));
        Assert.Equal(new[] { 1.0, 0.0 }, sampler.Sample(space, history, Direction.Minimize, new Random(1)));
        history.Add(TrialFactory.Complete(3, new[] { 1.0, 0.0 }, 1));
        Assert.True(sampler.IsExhausted(space, history));
    }

    [Fact]
    public void Inactive_values_that_are_not_NaN_still_match_their_grid_point()
    {
        var space = Spaces.ConditionalGrid();
        var history = new List<FrozenTrial> { TrialFactory.Complete(0, new[] { 1.0, 0, 0, 1 }, 1) }; // amsgrad inactive for sgd
        var next = new GridSampler().Sample(space, history, Direction.Minimize, new Random(1));
        Assert.Equal(new[] { 1.0, 0, 1, double.NaN }, next);
    }

    [Fact]
    public void A_continuous_space_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new GridSampler().Sample(Spaces.Mixed(), Array.Empty<FrozenTrial>(), Direction.Minimize, new Random(1)));
        Assert.Contains("lr", error.Message);
        Assert.Contains("finite", error.Message);
    }
}
