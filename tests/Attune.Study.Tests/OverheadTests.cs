using System.Diagnostics;
using Attune;
using Attune.Search;
using Xunit.Abstractions;

namespace Attune.Study.Tests;

/// <summary>Measures (prints, does not assert on time) the driver + storage cost per trial with a trivial objective and
/// the minimal random sampler. Goal at 1,000 trials: ≤ 3 ms/trial on SQLite, ≤ 0.5 ms/trial in memory.</summary>
public sealed class OverheadTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(":memory:")]
    [InlineData("sqlite")]
    public void Per_trial_overhead(string storage)
    {
        // Warm up (JIT, SQLite initialisation) so the figures are per-trial costs, not start-up costs.
        Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Trials = 20, Storage = storage == "sqlite" ? dir.File("warm.db") : storage, StudyName = "warm" });
        foreach (int n in new[] { 100, 1000 })
        {
            var options = Knobs.DefaultSweepOptions with { Trials = n, Storage = storage == "sqlite" ? dir.File($"perf{n}.db") : storage, StudyName = $"perf{n}" };
            var clock = Stopwatch.StartNew();
            var result = Sweep.Run<Knobs>(t => t.Parameters.Lr, options);
            clock.Stop();
            Assert.Equal(n, result.Trials.Count);
            string line = $"per-trial overhead, {storage}, {n} trials: {clock.Elapsed.TotalMilliseconds / n:0.000} ms/trial ({clock.Elapsed.TotalMilliseconds:0} ms total)";
            output.WriteLine(line);
            Console.WriteLine(line);
        }
    }
}
