using Attune.Search;

namespace Attune.Tuning.Tests;

public class RandomSamplerTests
{
    private static List<double[]> Draw(ISampler sampler, SearchSpace space, int n, int seed)
    {
        var random = new Random(seed);
        var history = new List<FrozenTrial>();
        var draws = new List<double[]>();
        for (int i = 0; i < n; i++) draws.Add(sampler.Sample(space, history, Direction.Minimize, random));
        return draws;
    }

    [Fact]
    public void Values_are_in_bounds_on_the_int_grid_and_valid_choice_indexes()
    {
        var space = Spaces.Mixed();
        foreach (var v in Draw(new RandomSampler(), space, 5000, 1))
        {
            Assert.InRange(v[0], 1e-5, 1e-1);
            Assert.InRange(v[1], 0, 0.5);
            Assert.InRange(v[2], 1, 8); Assert.Equal(Math.Round(v[2]), v[2]);
            Assert.InRange(v[3], 16, 1024); Assert.Equal(Math.Round(v[3]), v[3]);
            Assert.InRange(v[4], 8, 96); Assert.Equal(0, (v[4] - 8) % 8);
            Assert.Contains(v[5], new[] { 0.0, 1.0, 2.0 });
        }
    }

    [Fact]
    public void Every_int_grid_value_and_every_choice_is_drawn_including_the_ends()
    {
        var draws = Draw(new RandomSampler(), Spaces.Mixed(), 3000, 2);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (double)i), draws.Select(v => v[2]).Distinct().Order());
        Assert.Equal(Enumerable.Range(1, 12).Select(i => 8.0 * i), draws.Select(v => v[4]).Distinct().Order());
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, draws.Select(v => v[5]).Distinct().Order());
        Assert.Contains(draws, v => v[3] == 16);
        Assert.Contains(draws, v => v[3] == 1024);
    }

    [Fact]
    public void Log_floats_are_uniform_in_log_space()
    {
        // 1e-5 .. 1e-1 is four decades; each decade should get about a quarter of the draws.
        var draws = Draw(new RandomSampler(), Spaces.Mixed(), 8000, 3);
        var perDecade = new int[4];
        foreach (var v in draws) perDecade[Math.Min(3, (int)Math.Floor(Math.Log10(v[0]) + 5))]++;
        foreach (int count in perDecade) Assert.InRange(count, 1700, 2300);
    }

    [Fact]
    public void Log_ints_favour_small_values_like_a_log_uniform()
    {
        // width in [16, 1024]: [16, 128) and [128, 1024] are each half of the log range.
        var draws = Draw(new RandomSampler(), Spaces.Mixed(), 8000, 4);
        int low = draws.Count(v => v[3] < 128);
        Assert.InRange(low, 3600, 4400);
    }

    [Fact]
    public void Inactive_conditional_parameters_are_NaN_and_active_ones_are_not()
    {
        foreach (var v in Draw(new RandomSampler(), Spaces.Mixed(), 500, 5))
        {
            bool sgd = v[5] == 0;
            Assert.Equal(!sgd, double.IsNaN(v[6]));
            Assert.Equal(sgd, double.IsNaN(v[7]));
            if (sgd) Assert.InRange(v[6], 0.5, 0.99); else Assert.InRange(v[7], 0.9, 0.9999);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_sequence_and_another_seed_another()
    {
        var space = Spaces.Mixed();
        var a = Draw(new RandomSampler(), space, 50, 7);
        var b = Draw(new RandomSampler(), space, 50, 7);
        var c = Draw(new RandomSampler(), space, 50, 8);
        Assert.Equal(a.SelectMany(v => v), b.SelectMany(v => v));
        Assert.NotEqual(a.SelectMany(v => v), c.SelectMany(v => v));
    }

    [Fact]
    public void Degenerate_ranges_return_the_single_value()
    {
        var space = new SearchSpace("one", new ParameterSpec[] { new("a", ParameterKind.Float, 2, 2), new("b", ParameterKind.Int, 3, 3, Step: 1) });
        var v = new RandomSampler().Sample(space, Array.Empty<FrozenTrial>(), Direction.Minimize, new Random(1));
        Assert.Equal(new[] { 2.0, 3.0 }, v);
    }
}
