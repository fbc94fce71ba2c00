using System.Diagnostics;
using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>Several OS processes (tests/Attune.SweepWorker) sharing one SQLite study file.</summary>
public sealed class MultiProcessTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private static Process Start(string db, string study, int trials, int sleepMs, double? staleSeconds = null)
        => TestStudies.StartWorker(db, study, trials, sleepMs, staleSeconds);

    private static (string Out, string Err) Finish(Process p)
    {
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "worker did not finish");
        Assert.True(p.ExitCode == 0, $"worker exited {p.ExitCode}: {err.Result}");
        return (output, err.Result);
    }

    [Fact]
    public void Two_processes_share_a_study_without_duplicate_numbers()
    {
        Assert.True(File.Exists(TestStudies.WorkerDll), $"worker not built at {TestStudies.WorkerDll}");
        string db = dir.File("shared.db");
        using var a = Start(db, "shared", 16, 40);
        using var b = Start(db, "shared", 16, 40);
        var (outA, _) = Finish(a);
        var (outB, _) = Finish(b);

        var trials = TestStudies.Trials(db, "shared");
        Assert.Equal(16, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, 16), trials.Select(t => t.Number));
        // Both processes did some of the work.
        Assert.Contains("started", outA);
        Assert.Contains("started", outB);
    }

    [Fact]
    public void A_killed_worker_loses_no_completed_trial_and_its_trial_is_marked_abandoned()
    {
        string db = dir.File("killed.db");
        // Two trials completed by an earlier run.
        var done = Sweep.Run<WorkerSpace>(t => t.Parameters.X, WorkerSpace.DefaultSweepOptions with { Storage = db, StudyName = "k", Trials = 2 });
        Assert.Equal(2, done.Trials.Count);

        // A worker that hangs in trial 2: kill it while the trial is Running.
        int pid;
        using (var victim = Start(db, "k", 4, 600_000))
        {
            pid = victim.Id;
            string? line;
            while ((line = victim.StandardOutput.ReadLine()) is not null && line != "started 2") { }
            Assert.Equal("started 2", line);
            Assert.Equal(TrialState.Running, TestStudies.Trials(db, "k")[2].State);
            victim.Kill(entireProcessTree: true);
            victim.WaitForExit(30_000);
        }

        Thread.Sleep(1500); // past the 1 s staleness threshold the rerun is given
        using (var rerun = Start(db, "k", 4, 10, staleSeconds: 1))
            Finish(rerun);

        var trials = TestStudies.Trials(db, "k");
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));   // unique, no gaps
        Assert.Equal(done.Trials.Select(t => t.Value), trials.Take(2).Select(t => t.Value)); // earlier results intact
        Assert.Equal(TrialState.Failed, trials[2].State);
        // The victim was a process of this machine that is gone: failed at once, not after the grace period.
        Assert.Equal($"abandoned: the process running it stopped ({Environment.MachineName}:{pid} is no longer running)", trials[2].Error);
        Assert.Equal(4, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(5, trials.Count);
    }
}
