using Xunit.Abstractions;
using Attune.Search;

namespace Attune.Tuning.Tests;

public class QuasiRandomSamplerTests
{
    private readonly ITestOutputHelper output;

    public QuasiRandomSamplerTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void The_unscrambled_sequence_is_Joe_and_Kuos()
    {
        // The first eight points in four dimensions as Joe and Kuo's new-joe-kuo-6.21201 gives them (Gray-code order), e.g.
        // printed by SciPy: scipy.stats.qmc.Sobol(4, scramble=False).random(8).
        double[][] expected =
        {
            new[] { 0.0, 0.0, 0.0, 0.0 },
            new[] { 0.5, 0.5, 0.5, 0.5 },
            new[] { 0.75, 0.25, 0.25, 0.25 },
            new[] { 0.25, 0.75, 0.75, 0.75 },
            new[] { 0.375, 0.375, 0.625, 0.875 },
            new[] { 0.875, 0.875, 0.125, 0.375 },
            new[] { 0.625, 0.125, 0.875, 0.625 },
            new[] { 0.125, 0.625, 0.375, 0.125 },
        };
        var sobol = new SobolSequence(4, scrambleSeed: null);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], sobol.Point(k));
        // The sampler without scrambling maps the same points onto the space.
        var box = Spaces.Box(4, 0, 1);
        Assert.Equal(expected[5], new QuasiRandomSampler(scramble: false).Point(box, 5));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(17)]
    public void Every_dimension_puts_exactly_one_of_the_first_256_points_in_each_256th_and_the_first_two_dimensions_form_a_net(int? seed)
    {
        // Each one-dimensional projection of a Sobol sequence is a (0, 1)-sequence, and dimensions 1 and 2 form a
        // (0, 2)-sequence: every elementary box of area 1/256 holds exactly one of the first 256 points. A linear
        // scramble with a digital shift keeps both, so this holds scrambled or not, for all 64 dimensions.
        var sobol = new SobolSequence(SobolDirectionNumbers.Count, seed);
        var points = Enumerable.Range(0, 256).Select(k => sobol.Point(k)).ToArray();
        for (int d = 0; d < sobol.Dimensions; d++)
        {
            var cells = points.Select(p => (int)(p[d] * 256)).Distinct().Count();
            Assert.True(cells == 256, $"dimension {d + 1}: the first 256 points fill {cells} of 256 cells");
        }
        for (int a = 0; a <= 8; a++) // boxes 2^-a wide and 2^-(8-a) high
        {
            var boxes = points.Select(p => ((int)(p[0] * (1 << a)), (int)(p[1] * (1 << (8 - a))))).Distinct().Count();
            Assert.True(boxes == 256, $"boxes of 1/{1 << a} × 1/{1 << (8 - a)}: the first 256 points fill {boxes} of 256");
        }
    }

    /// <summary>A star-discrepancy proxy: the largest gap, over anchored boxes [0, q) with q one of the points or a
    /// corner of the grid {1/8 … 1}^d, between the share of points inside and the box's volume.</summary>
    private static double StarDiscrepancyProxy(IReadOnlyList<double[]> points)
    {
        int d = points[0].Length;
        var corners = new List<double[]>(points);
        var random = new Random(0);
        for (int c = 0; c < 2000; c++) corners.Add(Enumerable.Range(0, d).Select(_ => (random.Next(8) + 1) / 8.0).ToArray());
        double worst = 0;
        foreach (var q in corners)
        {
            double volume = q.Aggregate(1.0, (v, x) => v * x);
            int inside = points.Count(p => p.Zip(q).All(pq => pq.First < pq.Second));
            worst = Math.Max(worst, Math.Abs((double)inside / points.Count - volume));
        }
        return worst;
    }

    [Fact]
    public void Covers_the_space_more_evenly_than_random_draws()
    {
        var space = Spaces.Box(5, 0, 1);
        List<double[]> Draw(ISampler sampler, int seed)
        {
            var history = new List<FrozenTrial>();
            var random = new Random(seed);
            for (int i = 0; i < 128; i++) history.Add(TrialFactory.Complete(i, sampler.Sample(space, history, Direction.Minimize, random), 0));
            return history.Select(t => t.Values.ToArray()).ToList();
        }
        var sobol = Enumerable.Range(0, 5).Select(s => StarDiscrepancyProxy(Draw(new QuasiRandomSampler(s), s))).ToList();
        var random = Enumerable.Range(0, 5).Select(s => StarDiscrepancyProxy(Draw(new RandomSampler(), s))).ToList();
        output.WriteLine($"128 points in 5 dimensions, star-discrepancy proxy: Sobol {string.Join(", ", sobol.Select(v => v.ToString("F4")))}; random {string.Join(", ", random.Select(v => v.ToString("F4")))}");
        Assert.True(sobol.Max() < random.Min(), $"the worst Sobol set ({sobol.Max():F4}) should beat the best random one ({random.Min():F4})");
    }

    [Fact]
    public void Values_fit_the_space_ints_on_their_grid_and_inactive_parameters_NaN()
    {
        var space = Spaces.Mixed();
        var sampler = new QuasiRandomSampler(3);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 256; i++)
        {
            var x = sampler.Sample(space, history, Direction.Minimize, new Random(i));
            for (int d = 0; d < space.Parameters.Count; d++)
            {
                var p = space.Parameters[d];
                if (!space.IsActive(d, x)) { Assert.True(double.IsNaN(x[d]), $"{p.Name} is inactive"); continue; }
                if (p.Kind == ParameterKind.Float) Assert.InRange(x[d], p.Low, p.High);
                else Assert.True(SamplingMathTestAccess.OnGrid(p, x[d]), $"{p.Name} = {x[d]} is off its grid");
            }
            history.Add(TrialFactory.Complete(i, x, 0));
        }
        // Every value of every finite parameter is reached (the 256 points are balanced over each dimension).
        foreach (var d in new[] { 2, 4, 5 })
            Assert.Equal(space.Parameters[d].Cardinality, history.Select(t => t.Values[d]).Distinct().LongCount());
    }

    [Fact]
    public void The_same_seed_gives_the_same_points_and_another_seed_others()
    {
        var space = Spaces.Mixed();
        double[][] Points(QuasiRandomSampler s) => Enumerable.Range(0, 16).Select(k => s.Point(space, k)).ToArray();
        Assert.Equal(Points(new QuasiRandomSampler(1)), Points(new QuasiRandomSampler(1)));
        Assert.NotEqual(Points(new QuasiRandomSampler(1)), Points(new QuasiRandomSampler(2)));
        // Unseeded, the scramble comes from the space, so two workers of one study still share one sequence.
        Assert.Equal(Points(new QuasiRandomSampler()), Points(new QuasiRandomSampler()));
        // The per-trial Random is not used: point k is the history's length.
        var history = Enumerable.Range(0, 5).Select(i => TrialFactory.Complete(i, new QuasiRandomSampler(1).Point(space, i), 0)).ToList();
        Assert.Equal(new QuasiRandomSampler(1).Point(space, 5), new QuasiRandomSampler(1).Sample(space, history, Direction.Minimize, new Random(99)));
    }

    [Fact]
    public void TPE_with_a_quasi_random_start_up_draws_its_start_up_trials_from_the_sweeps_sequence()
    {
        var space = TestFunctions.BraninSpace();
        var tpe = Assert.IsType<TpeSampler>(Samplers.Create(Sampler.Tpe, new TpeOptions { Startup = TpeStartup.QuasiRandom }, seed: 9));
        var sobol = Assert.IsType<QuasiRandomSampler>(Samplers.Create(Sampler.QuasiRandom, seed: 9));
        var history = new List<FrozenTrial>();
        for (int i = 0; i < tpe.Options.StartupTrials; i++)
        {
            var x = tpe.Sample(space, history, Direction.Minimize, new Random(i));
            Assert.Equal(sobol.Sample(space, history, Direction.Minimize, new Random(i)), x);
            history.Add(TrialFactory.Complete(i, x, TestFunctions.Branin(x)));
        }
        // An explicit StartupSeed wins over the sweep's.
        var own = Assert.IsType<TpeSampler>(Samplers.Create(Sampler.Tpe, new TpeOptions { Startup = TpeStartup.QuasiRandom, StartupSeed = 4 }, seed: 9));
        Assert.Equal(new QuasiRandomSampler(4).Point(space, 0), own.Sample(space, [], Direction.Minimize, new Random(0)));
    }

    [Fact]
    public void A_space_with_more_parameters_than_the_direction_numbers_cover_is_refused_with_the_counts()
    {
        var space = Spaces.Box(SobolDirectionNumbers.Count + 1, 0, 1);
        var e = Assert.Throws<InvalidOperationException>(() => new QuasiRandomSampler(1).Sample(space, [], Direction.Minimize, new Random(0)));
        Assert.Contains($"{SobolDirectionNumbers.Count + 1} parameters", e.Message);
        Assert.Contains($"at most {SobolDirectionNumbers.Count}", e.Message);
    }
}
