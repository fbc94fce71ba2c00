using Attune.Search;

namespace Attune.Tuning.Tests;

public class UnitCubeTests
{
    public static TheoryData<int> MixedParameters => new() { 0, 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(MixedParameters))]
    public void A_value_maps_into_the_cube_and_back_to_itself(int index)
    {
        var p = Spaces.Mixed().Parameters[index];
        var random = new Random(index);
        for (int i = 0; i < 200; i++)
        {
            double x = SamplingMath.SampleUniform(p, random);
            double u = UnitCube.ToUnit(p, x);
            Assert.InRange(u, 0, 1);
            double back = UnitCube.FromUnit(p, u);
            if (p.Kind == ParameterKind.Float) Assert.Equal(x, back, 1e-9 * Math.Max(1, Math.Abs(x)));
            else Assert.Equal(x, back);
        }
    }

    [Theory]
    [MemberData(nameof(MixedParameters))]
    public void The_cube_ends_map_to_the_bounds_and_every_grid_value_owns_an_equal_share(int index)
    {
        var p = Spaces.Mixed().Parameters[index];
        double top = p.Kind switch { ParameterKind.Categorical => p.Choices!.Count - 1, ParameterKind.Int => SamplingMath.IntTop(p), _ => p.High };
        double low = p.Kind == ParameterKind.Categorical ? 0 : p.Low;
        Assert.Equal(low, UnitCube.FromUnit(p, 0), 1e-12 * Math.Max(1, Math.Abs(low)));
        Assert.Equal(top, UnitCube.FromUnit(p, 1), 1e-12 * Math.Max(1, Math.Abs(top)));
        Assert.Equal(low, UnitCube.FromUnit(p, -0.5), 1e-12 * Math.Max(1, Math.Abs(low)));   // clamped
        if (p.Kind == ParameterKind.Float || p.Log) return; // log cells are equal in log space, not in value
        // Linear ints and choices: 10,000 evenly spaced u's split evenly over the values (the ends get a full share).
        var counts = Enumerable.Range(0, 10_000).Select(k => UnitCube.FromUnit(p, (k + 0.5) / 10_000)).GroupBy(v => v).Select(g => g.Count()).ToList();
        Assert.Equal(p.Cardinality, counts.Count);
        Assert.True(counts.Max() - counts.Min() <= 1, $"{p.Name}: shares {string.Join(", ", counts)}");
    }
}
