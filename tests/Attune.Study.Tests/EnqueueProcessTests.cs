using System.Diagnostics;
using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>The queue of configurations to run first, shared by OS processes (tests/Attune.SweepWorker) on one SQLite
/// file, one of them killed.</summary>
public sealed class EnqueueProcessTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private static string Finish(Process p)
    {
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "worker did not finish");
        Assert.True(p.ExitCode == 0, $"worker exited {p.ExitCode}: {err.Result}");
        return output;
    }

    [Fact]
    public void Three_processes_run_each_queued_configuration_once_and_first_and_a_killed_one_leaves_the_rest_to_them()
    {
        Assert.True(File.Exists(TestStudies.WorkerDll), $"worker not built at {TestStudies.WorkerDll}");
        string db = dir.File("queue.db");
        var queued = Enumerable.Range(0, 9).Select(k => new WorkerSpace(0.05 + 0.1 * k, 1 + k)).ToList();
        using (var storage = new SqliteStudyStorage(db))
            foreach (var q in queued) Studies.Enqueue(storage, "q", q, Direction.Minimize);

        // A process that hangs in its first trial, killed while it runs: it had claimed the first queued configuration.
        using (var victim = TestStudies.StartWorker(db, "q", 20, 600_000))
        {
            string? line;
            while ((line = victim.StandardOutput.ReadLine()) is not null && !line.StartsWith("started ", StringComparison.Ordinal)) { }
            Assert.Equal("started 0", line);
            victim.Kill(entireProcessTree: true);
            victim.WaitForExit(30_000);
        }

        var workers = Enumerable.Range(0, 3).Select(_ => TestStudies.StartWorker(db, "q", 12, 150)).ToList();
        var outputs = workers.Select(Finish).ToList();
        foreach (var w in workers) w.Dispose();

        var trials = TestStudies.Trials(db, "q");
        var decoded = trials.Select(t => WorkerSpace.Decode(t.Values)).ToList();
        // Each queued configuration ran once, as trials 0 to 8 in the queue's order, before anything was sampled.
        Assert.Equal(queued, decoded.Take(queued.Count));
        foreach (var q in queued) Assert.Single(decoded, d => d == q);
        using (var storage = new SqliteStudyStorage(db))
            Assert.Equal(Enumerable.Range(0, 9).Select(n => (int?)n), Studies.Queue(storage, "q").Select(q => q.TrialNumber));
        // The killed process's trial is kept as abandoned (not rerun: RetryAbandoned is off); the others ran the rest.
        Assert.Equal((TrialState.Failed, TrialFailure.Abandoned), (trials[0].State, trials[0].Failure));
        Assert.All(trials.Skip(1).Take(8), t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(12, trials.Count(t => t.State == TrialState.Complete));
        Assert.True(outputs.Count(o => o.Contains("started ", StringComparison.Ordinal)) >= 2, "the live processes shared the work:\n" + string.Join("\n---\n", outputs));
    }
}
