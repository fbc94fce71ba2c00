using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.Search;
using Attune.Search.PostgreSql;

namespace Attune.Study.Tests;

/// <summary>Separate OS processes (tests/Attune.SweepWorker) sharing one PostgreSQL study: unique numbers, a worker
/// killed with SIGKILL, the server restarted mid-sweep, and two programs with different spaces on one study name.</summary>
[Collection("postgres")]
public sealed class PostgresProcessTests : IDisposable
{
    private string? schema;
    private string? connection;
    private string Connection => connection ??= PostgresServer.NewSchema(out schema);

    public void Dispose()
    {
        if (schema is not null) PostgresServer.Drop(schema);
    }

    /// <summary>A worker process; its output lines are collected as they come.</summary>
    private sealed class Worker : IDisposable
    {
        public readonly Process Process;
        public readonly BlockingCollection<string> Lines = new();
        public readonly ConcurrentQueue<string> All = new();
        private readonly Task<string> err;

        public Worker(string storage, string study, int trials, int sleepMs, double staleSeconds, bool retryAbandoned = false)
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { TestStudies.WorkerDll, storage, study, trials.ToString(CultureInfo.InvariantCulture), sleepMs.ToString(CultureInfo.InvariantCulture) })
                info.ArgumentList.Add(a);
            info.Environment["ATTUNE_STALE_TRIAL_SECONDS"] = staleSeconds.ToString(CultureInfo.InvariantCulture);
            if (retryAbandoned) info.Environment["ATTUNE_WORKER_RETRY"] = "1";
            Process = Process.Start(info)!;
            err = Process.StandardError.ReadToEndAsync();
            Task.Run(() =>
            {
                string? line;
                while ((line = Process.StandardOutput.ReadLine()) is not null) { All.Enqueue(line); Lines.Add(line); }
                Lines.CompleteAdding();
            });
        }

        public string WaitFor(Func<string, bool> match, int timeoutMs = 60_000)
        {
            var clock = Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < timeoutMs)
                if (Lines.TryTake(out var line, 500) && match(line)) return line;
            throw new TimeoutException("the worker did not print the expected line; output so far:\n" + string.Join("\n", All));
        }

        public void Finish(int timeoutMs = 180_000)
        {
            Assert.True(Process.WaitForExit(timeoutMs), "worker did not finish");
            Process.WaitForExit();
            Assert.True(Process.ExitCode == 0, $"worker exited {Process.ExitCode}: {err.Result}");
        }

        public string Error => err.Result;

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    private IReadOnlyList<StoredTrial> Trials(string study)
    {
        using var storage = new PostgresStudyStorage(Connection);
        return TestStudies.Trials(storage, study);
    }

    [SkippableFact]
    public void Four_workers_finish_exactly_the_target_with_unique_numbers()
    {
        const int n = 40;
        var workers = Enumerable.Range(0, 4).Select(_ => new Worker(Connection, "four", n, 50, 30)).ToList();
        try
        {
            foreach (var w in workers) w.Finish();
            var trials = Trials("four");
            Assert.Equal(n, trials.Count(t => t.State == TrialState.Complete));
            Assert.Equal(Enumerable.Range(0, n), trials.Select(t => t.Number));
            Assert.All(workers, w => Assert.Contains(w.All, l => l.StartsWith("started", StringComparison.Ordinal)));   // all four worked
        }
        finally { foreach (var w in workers) w.Dispose(); }
    }

    [SkippableFact]
    public void A_worker_killed_mid_trial_has_its_trial_failed_by_a_live_worker_rerun_once_and_the_study_completes()
    {
        const int n = 16;
        const double grace = 2;
        string cs = Connection;
        using var victim = new Worker(cs, "kill", n, 600_000, grace);           // hangs in its first trial
        string started = victim.WaitFor(l => l.StartsWith("started ", StringComparison.Ordinal));
        int number = int.Parse(started["started ".Length..], CultureInfo.InvariantCulture);
        var live = Enumerable.Range(0, 3).Select(_ => new Worker(cs, "kill", n, 100, grace, retryAbandoned: true)).ToList();
        try
        {
            live[0].WaitFor(l => l.StartsWith("stored", StringComparison.Ordinal));
            victim.Process.Kill();                                               // SIGKILL
            Assert.True(victim.Process.WaitForExit(30_000));
            foreach (var w in live) w.Finish();

            var trials = Trials("kill");
            Assert.Equal(n, trials.Count(t => t.State == TrialState.Complete));
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
            var killed = trials.Single(t => t.Number == number);
            Assert.Equal(TrialState.Failed, killed.State);
            // The victim ran on this machine, so a live worker sees its process is gone (at a heartbeat tick, every
            // 0.5 s here, or when it has nothing left to start) and fails its trial without waiting out the grace period.
            Assert.Equal($"abandoned: the process running it stopped ({Environment.MachineName}:{victim.Process.Id} is no longer running)", killed.Error);
            var silentFor = killed.Finished!.Value - killed.Heartbeat;
            Assert.InRange(silentFor.TotalSeconds, 0, grace + 10);
            Assert.Equal(n + 1, trials.Count);
            // The live workers rerun it once (RetryAbandoned), as a later trial with the same parameters.
            var rerun = Assert.Single(trials, t => t.Number != number && t.Values.SequenceEqual(killed.Values));
            Assert.True(rerun.Number > number);
            Assert.Equal(TrialState.Complete, rerun.State);
        }
        finally { foreach (var w in live) w.Dispose(); }
    }

    [SkippableFact]
    public void The_server_restarted_mid_sweep_loses_nothing_completed_and_the_workers_finish()
    {
        const int n = 40;
        string restart = PostgresServer.RestartCommand;
        var workers = Enumerable.Range(0, 4).Select(_ => new Worker(Connection, "restart", n, 100, 20)).ToList();
        try
        {
            workers[0].WaitFor(l => l.StartsWith("stored", StringComparison.Ordinal));
            Thread.Sleep(300);
            using (var p = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", restart }, RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                Assert.True(p.WaitForExit(120_000));
                Assert.True(p.ExitCode == 0, "restart failed: " + o);
            }
            int storedBeforeRestartEnded = workers.Sum(w => w.All.Count(l => l.StartsWith("stored", StringComparison.Ordinal)));
            Assert.True(storedBeforeRestartEnded < n, $"the restart came too late: {storedBeforeRestartEnded} trials were already stored");
            foreach (var w in workers) w.Finish();

            var trials = Trials("restart");
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
            Assert.True(trials.Count(t => t.State == TrialState.Complete) >= n);
            // Every result a worker saw stored is in the database as it said.
            var stored = workers.SelectMany(w => w.All).Where(l => l.StartsWith("stored", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
            Assert.True(stored.Count >= n);
            foreach (var s in stored)
                Assert.Equal(s[2], trials.Single(t => t.Number == int.Parse(s[1], CultureInfo.InvariantCulture)).State.ToString());
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        }
        finally { foreach (var w in workers) w.Dispose(); }
    }

    [SkippableFact]
    public void Two_programs_with_different_spaces_on_one_study_name_get_a_clear_error()
    {
        using (var first = new Worker(Connection, "shared-name", 2, 1, 30)) first.Finish();
        var e = Assert.Throws<SpaceChangedException>(() =>
            Sweep.Run<KnobsEdited>(t => 0, KnobsEdited.DefaultSweepOptions with { Storage = Connection, StudyName = "shared-name", Trials = 1 }));
        Assert.Contains("Study 'shared-name' in PostgreSQL database", e.Message);
        Assert.Contains("X: removed", e.Message);
        Assert.Contains("SweepOptions.StudyName", e.Message);
        var password = new Npgsql.NpgsqlConnectionStringBuilder(Connection).Password!;
        Assert.DoesNotContain(password, e.ToString());
        Assert.Equal(2, Trials("shared-name").Count);
    }
}
