namespace Attune.Reports.Tests;

/// <summary>The importance method on functions whose important parameters are known.</summary>
public class ImportanceTests(ITestOutputHelper output)
{
    private static (List<double[]> X, List<double> Y) Sample(int n, int seed, Func<double[], double> f, int parameters = 3)
    {
        var random = new Random(seed);
        var xs = new List<double[]>();
        for (int i = 0; i < n; i++) xs.Add(Enumerable.Range(0, parameters).Select(_ => random.NextDouble()).ToArray());
        return (xs, xs.Select(f).ToList());
    }

    [Fact]
    public void Ranks_a_strong_a_weak_and_an_irrelevant_parameter_in_that_order()
    {
        // f = 10·x0 + x1 + 0·x2 on uniform [0, 1]: first-order indices 100/101, 1/101 and 0.
        var (x, y) = Sample(5000, seed: 1, v => 10 * v[0] + v[1] + 0 * v[2]);
        var importance = ParameterImportance.Compute(x, y, [false, false, false]);
        output.WriteLine($"10·x0 + x1 + 0·x2: {string.Join(", ", importance.Select(v => v.ToString("0.0000")))} (exact 0.9901, 0.0099, 0)");
        Assert.True(importance[0] > importance[1] && importance[1] > importance[2], string.Join(", ", importance));
        Assert.InRange(importance[0], 0.95, 1.0);
        Assert.InRange(importance[1], 0.004, 0.02);
        Assert.InRange(importance[2], 0.0, 0.002);
    }

    [Fact]
    public void Matches_the_exact_first_order_indices_of_a_linear_function()
    {
        // f = 10·x0 + 3·x1: Var = (100 + 9)/12, so S0 = 100/109 ≈ 0.917, S1 = 9/109 ≈ 0.083, S2 = 0.
        var (x, y) = Sample(2000, seed: 2, v => 10 * v[0] + 3 * v[1]);
        var importance = ParameterImportance.Compute(x, y, [false, false, false]);
        output.WriteLine($"10·x0 + 3·x1: {string.Join(", ", importance.Select(v => v.ToString("0.0000")))} (exact 0.9174, 0.0826, 0)");
        Assert.InRange(importance[0], 100.0 / 109 - 0.03, 100.0 / 109 + 0.01);
        Assert.InRange(importance[1], 9.0 / 109 - 0.02, 9.0 / 109 + 0.02);
        Assert.InRange(importance[2], 0.0, 0.005);
    }

    [Fact]
    public void A_categorical_that_shifts_the_objective_outranks_a_noise_parameter_and_an_interaction_only_parameter_scores_low()
    {
        // x0 is a choice of three (0, 1, 2) that shifts f by 2 per step; x1 and x2 matter only together, through
        // (x1 − 0.5)·(x2 − 0.5), whose mean over either one is zero: both first-order indices are 0 by definition (the
        // method does not count interactions, and says so in the report).
        var random = new Random(3);
        var x = Enumerable.Range(0, 3000).Select(_ => new[] { (double)random.Next(3), random.NextDouble(), random.NextDouble() }).ToList();
        var y = x.Select(v => 2 * v[0] + 4 * (v[1] - 0.5) * (v[2] - 0.5)).ToList();
        var importance = ParameterImportance.Compute(x, y, [true, false, false]);
        output.WriteLine($"choice + interaction: {string.Join(", ", importance.Select(v => v.ToString("0.0000")))}");
        Assert.True(importance[0] > 0.8);
        Assert.True(importance[1] < 0.01 && importance[2] < 0.01);
    }

    [Fact]
    public void Constant_or_tiny_inputs_give_zero_not_NaN()
    {
        Assert.Equal([0.0, 0.0], ParameterImportance.Compute([[1, 2], [2, 3], [3, 4]], [5, 5, 5], [false, false]));
        Assert.Equal([0.0], ParameterImportance.Compute([[1], [2]], [1, 2], [false]));
    }
}
