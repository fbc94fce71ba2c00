using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Attune.Search;
using Attune.SweepBench.Problems;
using Xunit.Abstractions;

namespace Attune.Tuning.Tests;

/// <summary>
/// The search suite's problems are defined twice, in C# (bench/Attune.SweepBench/Problems) and in Python
/// (bench/optuna/problems.py, which Optuna's half of the suite runs). These tests hold each definition to its stated
/// optimum and the two definitions to each other, so a regret in the suite's table means the same on both sides.
/// </summary>
public class ProblemAgreementTests
{
    private readonly ITestOutputHelper output;

    public ProblemAgreementTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Every problem, the real sweep's committed table (bench/data/digits-mlp-sweep.csv) included.</summary>
    private static IReadOnlyList<BenchmarkProblem> Problems() => ProblemSet.All();

    [Fact]
    public void The_suite_has_at_least_twelve_problems_of_every_family()
    {
        var problems = Problems();
        Assert.True(problems.Count >= 12, $"expected at least 12 problems; found {problems.Count}");
        foreach (var family in new[] { "continuous", "mixed", "conditional", "categorical", "noisy", "real" })
            Assert.Contains(problems, p => p.Family == family);
        Assert.Contains(problems, p => p.Space.Parameters.Count >= 10);
        Assert.Equal(problems.Count, problems.Select(p => p.Name).Distinct().Count());
    }

    [Fact]
    public void Each_problem_attains_its_stated_minimum_at_its_stated_optimum_which_lies_in_its_space()
    {
        foreach (var p in Problems())
        {
            Assert.Equal(p.Space.Parameters.Count, p.Optimum.Count);
            for (int i = 0; i < p.Optimum.Count; i++)
            {
                var spec = p.Space.Parameters[i];
                double v = p.Optimum[i];
                bool active = p.Space.IsActive(i, p.Optimum);
                Assert.True(active != double.IsNaN(v), $"{p.Name}.{spec.Name}: expected NaN exactly when inactive; active {active}, value {v}");
                if (!active) continue;
                if (spec.Kind == ParameterKind.Categorical) Assert.InRange((int)v, 0, spec.Choices!.Count - 1);
                else Assert.InRange(v, spec.Low, spec.High);
                if (spec.Kind != ParameterKind.Float) Assert.Equal(Math.Round(v), v);
            }
            double at = p.Evaluate(p.Optimum);
            output.WriteLine($"{p.Name,-16} f(optimum) − minimum = {at - p.Minimum:G3}");
            Assert.True(Math.Abs(at - p.Minimum) <= 1e-9 * Math.Max(1, Math.Abs(p.Minimum)), $"{p.Name}: f(optimum) = {at:R}, stated minimum {p.Minimum:R}");
        }
    }

    [Fact]
    public void No_random_point_of_any_problem_beats_its_stated_minimum()
    {
        foreach (var p in Problems())
        {
            var random = new Random(7);
            double lowest = double.PositiveInfinity;
            for (int i = 0; i < 5000; i++)
                lowest = Math.Min(lowest, p.Evaluate(new RandomSampler().Sample(p.Space, [], Direction.Minimize, random)));
            Assert.True(lowest >= p.Minimum - 1e-9 * Math.Max(1, Math.Abs(p.Minimum)), $"{p.Name}: a random point scored {lowest:R}, below the stated minimum {p.Minimum:R}");
            Assert.True(lowest > p.Minimum || p.Name == ProblemSet.DigitsName, $"{p.Name}: 5000 random points found the minimum exactly; the problem is too easy to rank samplers");
        }
    }

    [Fact]
    public void Seeded_noise_is_standard_normal_and_depends_only_on_seed_and_trial()
    {
        var draws = Enumerable.Range(0, 20000).Select(t => SeededNoise.Gaussian(3, t)).ToArray();
        double mean = draws.Average(), sd = Math.Sqrt(draws.Sum(d => (d - mean) * (d - mean)) / (draws.Length - 1));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(sd, 0.97, 1.03);
        Assert.Equal(SeededNoise.Gaussian(3, 5), SeededNoise.Gaussian(3, 5));
        Assert.NotEqual(SeededNoise.Gaussian(3, 5), SeededNoise.Gaussian(4, 5));
    }

    [SkippableFact]
    public void CSharp_and_Python_definitions_agree_at_fixed_points()
    {
        const string python = "/usr/bin/python3";
        string script = Path.Combine(RepositoryRoot(), "bench", "optuna", "problems.py");
        Skip.If(!File.Exists(python), $"No {python}: the C#/Python agreement of the search suite's problems is not checked here.");

        // Per problem: the optimum and 6 random points (inactive conditional parameters as null), and for the noisy
        // problem also the observed values at a few (seed, trial) pairs.
        var points = new List<Dictionary<string, object>>();
        var expected = new List<double>();
        foreach (var p in Problems())
        {
            var random = new Random(11);
            var xs = new List<IReadOnlyList<double>> { p.Optimum };
            for (int i = 0; i < 6; i++) xs.Add(new RandomSampler().Sample(p.Space, [], Direction.Minimize, random));
            foreach (var x in xs)
            {
                var values = x.Select(v => double.IsNaN(v) ? (object?)null : v).ToArray();
                points.Add(new() { ["problem"] = p.Name, ["values"] = values });
                expected.Add(p.Evaluate(x));
                if (p.NoiseSd > 0)
                {
                    int seed = expected.Count, trial = 3 * expected.Count;
                    points.Add(new() { ["problem"] = p.Name, ["values"] = values, ["seed"] = seed, ["trial"] = trial });
                    expected.Add(p.Observe(x, seed, trial));
                }
            }
        }
        var start = new ProcessStartInfo(python, [script, "eval"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(points));
        process.StandardInput.Close();
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{python} {script} eval exited with {process.ExitCode}: {stderr}");
        var actual = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{points[i]["problem"]} at [{string.Join(", ", (object?[])points[i]["values"])}]: C# {expected[i]:R}, Python {actual[i]:R}");
        }
        output.WriteLine($"{expected.Count} values agree between C# and {script}.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dsl.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Expected Dsl.sln in a folder above {AppContext.BaseDirectory}.");
    }
}
