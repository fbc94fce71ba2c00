using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.Search;
using Xunit.Abstractions;

namespace Attune.Study.Tests;

/// <summary>
/// The fault suite's sweep half, with real OS processes (tests/Attune.SweepWorker) on one SQLite file: kill -9 at
/// random moments then a rerun, three processes with one killed, a crashed run rerun at once. Bounded in time.
/// </summary>
[Trait("Category", "Fault")]
public sealed class SweepProcessFaultTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly ITestOutputHelper output;

    public SweepProcessFaultTests(ITestOutputHelper output) => this.output = output;
    public void Dispose() => dir.Dispose();

    // The grace period for silent workers stays at its default (2 minutes): nothing here may wait for it.
    private static Process Start(string db, string study, int trials, int sleepMs) => TestStudies.StartWorker(db, study, trials, sleepMs);

    private static string Finish(Process p, TimeSpan within)
    {
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit((int)within.TotalMilliseconds))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"worker did not finish within {within.TotalSeconds} s (it would be waiting for a dead process's trial)");
        }
        Assert.True(p.ExitCode == 0, $"worker exited {p.ExitCode}: {err.Result}");
        return outText.Result;
    }

    private static string GoneError(Process p) =>
        $"abandoned: the process running it stopped ({Environment.MachineName}:{p.Id.ToString(CultureInfo.InvariantCulture)} is no longer running)";

    [Fact]
    public void A_rerun_after_a_crash_fails_the_dead_process_trial_at_once_instead_of_waiting_two_minutes()
    {
        string db = dir.File("crash.db");
        int pid;
        using (var victim = Start(db, "crash", 3, 600_000))
        {
            string? line;
            while ((line = victim.StandardOutput.ReadLine()) is not null && line != "started 0") { }
            Assert.Equal("started 0", line);
            victim.Kill();                                   // SIGKILL: no chance to store anything
            Assert.True(victim.WaitForExit(30_000));
            pid = victim.Id;
        }
        Assert.Equal(TrialState.Running, TestStudies.Trials(db, "crash")[0].State);

        var clock = Stopwatch.StartNew();
        using (var rerun = Start(db, "crash", 3, 10))
            Finish(rerun, TimeSpan.FromSeconds(60));
        output.WriteLine($"rerun took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the rerun took {clock.Elapsed.TotalSeconds:0.0} s");

        var trials = TestStudies.Trials(db, "crash");
        Assert.Equal($"abandoned: the process running it stopped ({Environment.MachineName}:{pid.ToString(CultureInfo.InvariantCulture)} is no longer running)", trials[0].Error);
        Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, 4), trials.Select(t => t.Number));
    }

    [Fact]
    public void Repeated_kill_9_at_random_moments_then_a_rerun_completes_exactly_the_target_with_unique_numbers_and_no_gaps()
    {
        const int n = 3000;
        string db = dir.File("killed.db");
        int seed = Environment.TickCount & 0xffff;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        int leftRunning = 0;
        for (int round = 0; round < 8; round++)
        {
            // Trials of 2-4 ms: a worker spends much of its time in storage writes, so many kills land in one; the
            // moment is random from start-up (opening the study, the schema) to mid-run.
            using var victim = Start(db, "killed", n, 2 + round % 3);
            Thread.Sleep(random.Next(150, 1500));
            victim.Kill();
            Assert.True(victim.WaitForExit(30_000));
            var now = File.Exists(db) ? TestStudies.TryTrials(db, "killed") : null;
            int running = now?.Count(t => t.State == TrialState.Running) ?? 0;
            leftRunning += running;
            output.WriteLine($"round {round}: killed at a random moment; {running} trial(s) left Running, {now?.Count(t => t.State == TrialState.Complete) ?? 0} complete so far");
        }
        // Otherwise the kills all missed the trials and this test would prove nothing.
        Assert.True(leftRunning > 0, "no kill left a trial Running");
        var clock = Stopwatch.StartNew();
        using (var rerun = Start(db, "killed", n, 0))
            Finish(rerun, TimeSpan.FromSeconds(90));
        output.WriteLine($"final run took {clock.Elapsed.TotalSeconds:0.0} s");

        var trials = TestStudies.Trials(db, "killed");
        Assert.Equal(n, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));        // unique, no gaps
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        Assert.All(trials.Where(t => t.State == TrialState.Failed), t => Assert.StartsWith("abandoned: the process running it stopped (", t.Error));
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.Equal(t.Values[0] + t.Values[1], t.Value));  // results intact
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the final run took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void Three_processes_share_one_study_and_the_two_left_when_one_is_killed_finish_without_waiting_for_it()
    {
        const int n = 24;
        string db = dir.File("three.db");
        var clock = Stopwatch.StartNew();
        using var a = Start(db, "three", n, 150);
        using var b = Start(db, "three", n, 150);
        using var victim = Start(db, "three", n, 150);
        string? line;
        while ((line = victim.StandardOutput.ReadLine()) is not null && !line.StartsWith("stored", StringComparison.Ordinal)) { }
        while ((line = victim.StandardOutput.ReadLine()) is not null && !line.StartsWith("started", StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        int inFlight = int.Parse(line!["started ".Length..], CultureInfo.InvariantCulture);
        victim.Kill();
        Assert.True(victim.WaitForExit(30_000));

        string outA = Finish(a, TimeSpan.FromSeconds(90));
        string outB = Finish(b, TimeSpan.FromSeconds(90));
        output.WriteLine($"three processes took {clock.Elapsed.TotalSeconds:0.0} s");

        var trials = TestStudies.Trials(db, "three");
        Assert.Equal(n, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
        Assert.Equal(GoneError(victim), trials[inFlight].Error);
        // The victim may also have held a trial created ahead of its next one (CreateAhead): failed the same way.
        Assert.All(trials.Where(t => t.State != TrialState.Complete), t => Assert.Equal(GoneError(victim), t.Error));
        Assert.InRange(trials.Count, n + 1, n + 2);
        Assert.Contains("started", outA);
        Assert.Contains("started", outB);
        // Not held up by the 2-minute grace period for silent workers: the dead process's trial was failed at a heartbeat.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
