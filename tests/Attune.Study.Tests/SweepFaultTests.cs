using System.Security.Cryptography;
using Attune;
using Attune.Search;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using System.Diagnostics;

namespace Attune.Study.Tests;

/// <summary>
/// Faults as a user meets them, in one process: a file of another tool or not a database at all given as the study
/// file, an objective that ignores its cancellation token, one that waits with Task.Wait(). Each test states what the
/// user now sees; none may lose what was already stored.
/// </summary>
[Trait("Category", "Fault")]
public sealed class SweepFaultTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public void A_sqlite_file_of_another_tool_is_refused_untouched_with_a_file_of_its_own_suggested()
    {
        // The tables Optuna's RDB storage creates first (same names as Attune's, other columns).
        string db = dir.File("optuna.db");
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE studies (study_id INTEGER NOT NULL PRIMARY KEY, study_name VARCHAR(512) NOT NULL UNIQUE);
                CREATE TABLE trials (trial_id INTEGER NOT NULL PRIMARY KEY, number INTEGER, study_id INTEGER REFERENCES studies(study_id),
                                     state VARCHAR(8) NOT NULL, datetime_start DATETIME, datetime_complete DATETIME);
                INSERT INTO studies VALUES (1, 'their-study');
                """;
            cmd.ExecuteNonQuery();
        }
        string before = Hash(db);

        var e = Assert.Throws<InvalidOperationException>(() =>
            Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db }));

        Assert.Contains($"SQLite file '{db}' already holds tables that Attune did not create", e.Message);
        Assert.Contains("'studies' (columns study_id, study_name; Attune's has id, name", e.Message);
        Assert.Contains("no Attune schema_version table", e.Message);
        Assert.Contains("Attune wrote nothing to the file", e.Message);
        Assert.Contains($"SweepOptions.Storage = \"{dir.File("optuna.attune.db")}\"", e.Message);
        Assert.Equal(before, Hash(db));
        // The suggested file works.
        var result = Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = dir.File("optuna.attune.db"), Trials = 2 });
        Assert.Equal(2, result.Trials.Count);
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_named_and_left_untouched()
    {
        string db = dir.File("notes.db");
        var bytes = new byte[8192];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(db, bytes);

        var e = Assert.Throws<InvalidDataException>(() =>
            Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db }));

        Assert.StartsWith($"SQLite file '{db}' is not a SQLite database (SQLite: \"file is not a database\")", e.Message);
        Assert.Contains("Attune left it untouched", e.Message);
        Assert.Contains("Point SweepOptions.Storage at another path", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(db));
        Assert.Equal(["notes.db"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));   // no -wal or -shm beside it
    }

    [Fact]
    public void A_damaged_study_file_is_named_with_a_way_to_recover_and_left_untouched()
    {
        string db = dir.File("study.db");
        // A study with enough trials to fill many pages, then pages in the middle overwritten (a torn copy, a bad disk).
        Sweep.Run<Knobs>(t => { for (int s = 0; s < 20; s++) t.Report(s, s); return t.Parameters.Lr; },
            Knobs.DefaultSweepOptions with { Storage = db, Trials = 60 });
        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(db);
        Assert.True(bytes.Length >= 8 * 4096, $"the study file is only {bytes.Length} bytes");
        for (int i = 2 * 4096; i < bytes.Length - 4096; i++) bytes[i] = (byte)(i * 7919 % 251);
        File.WriteAllBytes(db, bytes);

        var e = Assert.Throws<InvalidDataException>(() =>
            Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db, Trials = 61 }));

        Assert.StartsWith($"SQLite file '{db}' is a damaged SQLite database (SQLite: \"database disk image is malformed\")", e.Message);
        Assert.Contains($"sqlite3 '{db}' .recover | sqlite3 '{db}.recovered.db'", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(db));
    }

    [Fact]
    public void A_study_file_locked_by_another_program_is_named_with_the_likely_holder()
    {
        string db = dir.File("locked.db");
        Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db, Trials = 1 });
        // A sqlite3 shell with an open write transaction, as a user who inspects the file mid-sweep leaves it.
        using var holder = new SqliteConnection($"Data Source={db};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand()) { begin.CommandText = "BEGIN EXCLUSIVE;"; begin.ExecuteNonQuery(); }

        var e = Assert.Throws<IOException>(() =>
            Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = $"Data Source={db};Default Timeout=1", Trials = 2 }));

        Assert.StartsWith($"SQLite file '{db}' stayed locked by another connection for 1 s (SQLite: \"database is locked\"): some program holds a write transaction open on it", e.Message);
        Assert.Contains("Every trial stored before it is kept", e.Message);
        using (var rollback = holder.CreateCommand()) { rollback.CommandText = "ROLLBACK;"; rollback.ExecuteNonQuery(); }
        Assert.Equal(2, Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db, Trials = 2 }).Trials.Count);
    }

    [SkippableFact]
    public void A_study_path_that_is_a_directory_or_in_a_read_only_folder_is_named_with_what_to_do()
    {
        Skip.If(OperatingSystem.IsWindows(), "read-only folders are made with Unix permissions or mounts");
        Directory.CreateDirectory(dir.File("runs.db"));
        var isDir = Assert.Throws<IOException>(() => Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Storage = dir.File("runs.db") }));
        Assert.Equal($"Could not open or create SQLite file '{dir.File("runs.db")}' (SQLite: \"unable to open database file\"): that path is a directory; " +
            $"expected a file path, e.g. '{Path.Combine(dir.File("runs.db"), "study.db")}'.", isDir.Message);

        using var readOnly = ReadOnlyFolder.Make(dir.File("ro"));
        var ro = Assert.Throws<IOException>(() => Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Storage = Path.Combine(readOnly.Path, "study.db") }));
        Assert.StartsWith($"Could not open or create SQLite file '{Path.Combine(readOnly.Path, "study.db")}' (SQLite: \"unable to open database file\"): " +
            $"this process may not create or write files in '{readOnly.Path}'", ro.Message);
    }

    [SkippableFact]
    public void A_full_disk_keeps_every_stored_trial_and_says_to_free_space_and_rerun()
    {
        using var disk = SmallDisk.Mount(dir.File("small"), kilobytes: 4096);
        Skip.If(disk is null, SmallDisk.Why);
        // Another file takes all but ~400 KB: the study fills the rest after a few trials.
        string filler = Path.Combine(disk!.Path, "other-data.bin");
        File.WriteAllBytes(filler, new byte[(4096 - 400) * 1024]);
        string db = Path.Combine(disk.Path, "study.db");
        var stored = new List<int>();
        var e = Assert.Throws<IOException>(() => Sweep.Run<Knobs>(t =>
        {
            for (int s = 0; s < 3; s++) t.Report(s, s);
            return t.Parameters.Lr;
        }, Knobs.DefaultSweepOptions with { Storage = db, Trials = 10_000 }, progress: new Collect(stored)));

        Assert.StartsWith($"SQLite file '{db}': the disk is full (SQLite: \"database or disk is full\"); the write that failed was rolled back. " +
            "Every trial stored before it is kept.", e.Message);
        Assert.NotEmpty(stored);
        File.Delete(filler);                                           // space freed: the study resumes with everything it had
        var trials = TestStudies.Trials(db, "Knobs");
        Assert.Equal(stored.Order(), trials.Where(t => t.State == TrialState.Complete).Select(t => t.Number));
        var resumed = Sweep.Run<Knobs>(t => t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = db, Trials = stored.Count + 2 });
        Assert.Equal(stored.Count + 2, resumed.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, resumed.Trials.Count), resumed.Trials.Select(t => t.Number));
        // The trial that was running when the disk filled could not be stored; this process's rerun did not wait the
        // 2-minute grace period for it (no sweep of this process holds it).
        Assert.All(resumed.Trials.Where(t => t.State == TrialState.Failed), t => Assert.Equal(
            "abandoned: the process running it stopped (an earlier sweep of this process stopped with an error before it could store the trial)", t.Error));
    }

    [Fact]
    public void Options_and_exports_a_user_gets_wrong_say_what_was_expected()
    {
        var empty = Assert.Throws<ArgumentException>(() => Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Storage = ":memory:", StudyName = " " }));
        Assert.Contains("StudyName is \" \"; expected a name with at least one visible character, or null (the space's name).", empty.Message);

        var result = Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 1 });
        var toDir = Assert.Throws<IOException>(() => result.ExportCsv(dir.Path));
        Assert.Equal($"Cannot export to '{dir.Path}': it is a directory; expected the path of a file (in it, or beside it).", toDir.Message);

        var host = Assert.Throws<InvalidOperationException>(() => StudyStorage.Open("Host=no-such-host.invalid;Username=u;Password=hunter2;Database=d"));
        Assert.StartsWith("Could not check the schema in PostgreSQL database 'd' on no-such-host.invalid:5432: the host name does not resolve", host.Message);
        Assert.DoesNotContain("hunter2", host.ToString());
    }

    private sealed class Collect(List<int> into) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) { lock (into) into.Add(value.LastTrialNumber); }
    }

    [Fact]
    public void A_sweep_that_waits_for_another_workers_trial_says_which_whose_and_for_how_long_at_most()
    {
        using var storage = new SqliteStudyStorage(dir.File("wait.db"));
        var study = storage.OpenStudy("Knobs", Knobs.Space, Direction.Minimize);
        var other = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);         // another worker's trial, alive:
        using var alive = new Timer(_ => storage.Heartbeat([other.Id]), null, 0, 50);
        var log = new ListLogger();

        var result = Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Trials = 3 }, sampler: null, storage: storage, logger: log);

        Assert.Equal(TrialState.Running, result.Trials[0].State);                 // left to its worker
        var wait = Assert.Single(log.Messages, m => m.Contains("waiting for trial 0", StringComparison.Ordinal));
        Assert.StartsWith($"Study 'Knobs': waiting for trial 0, run by {Environment.MachineName}:{Environment.ProcessId} (last heartbeat ", wait);
        Assert.Contains("if that worker is alive it finishes the trial; if it stopped, the trial is failed as abandoned in at most 1", wait);
        Assert.EndsWith("s (ATTUNE_STALE_TRIAL_SECONDS sets the grace period).", wait);
    }

    [Fact]
    public void AbandonAfter_sets_how_long_a_silent_workers_trial_is_waited_for()
    {
        var storage = new InMemoryStudyStorage();
        var study = storage.OpenStudy("Knobs", Knobs.Space, Direction.Minimize);
        storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);                     // another worker's trial, which never beats
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Trials = 2, AbandonAfter = TimeSpan.FromSeconds(0.5) }, sampler: null, storage: storage);

        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 20);
        Assert.Equal((TrialState.Failed, TrialFailure.Abandoned), (result.Trials[0].State, result.Trials[0].Failure));
        Assert.Equal("abandoned: the process running it stopped (its worker was silent for more than 0.5 s)", result.Trials[0].Error);
        Assert.Equal(2, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Contains("AbandonAfter is 00:00:00; expected a positive time or null", Assert.Throws<ArgumentException>(() =>
            Sweep.Run<Knobs>(t => 1.0, Knobs.DefaultSweepOptions with { Storage = ":memory:", AbandonAfter = TimeSpan.Zero })).Message);
    }

    [Fact]
    public void The_timeout_ends_a_sweep_whose_objective_ignores_its_token_and_says_what_it_waits_for()
    {
        var log = new ListLogger();
        var release = new ManualResetEventSlim();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Sweep.Run<Knobs>(t =>
        {
            if (t.Number == 0) return 1.0;
            release.Wait(TimeSpan.FromSeconds(60));               // ignores t.CancellationToken
            return 2.0;
        }, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 5, Timeout = TimeSpan.FromSeconds(1), CancellationGrace = TimeSpan.FromSeconds(1) },
        logger: log);
        clock.Stop();
        release.Set();

        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 10);
        Assert.True(result.TimedOut);
        Assert.Equal(TrialState.Complete, result.Trials[0].State);
        Assert.Equal(TrialState.Failed, result.Trials[1].State);
        Assert.StartsWith("cancelled: the sweep reached its Timeout (1 s) and the objective did not return within CancellationGrace (1 s)", result.Trials[1].Error);
        Assert.Equal(2, result.Trials.Count);
        Assert.Contains(log.Messages, m => m.Contains("the sweep reached its Timeout (1 s); waiting up to 1 s for trial 1 (running", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.Contains("trial 1 did not return within 1 s of cancellation", StringComparison.Ordinal));
    }

    [Fact]
    public void A_trial_timeout_bounds_a_trial_that_ignores_its_token_and_the_sweep_goes_on()
    {
        var release = new ManualResetEventSlim();
        int reportsAfter = 0;
        var result = Sweep.Run<Knobs>(t =>
        {
            if (t.Number == 1)
            {
                release.Wait(TimeSpan.FromSeconds(60));           // ignores its token
                t.Report(0, 5);                                   // reported after it was left behind: dropped
                Interlocked.Increment(ref reportsAfter);
                return 0.0;
            }
            return t.Parameters.Lr;
        }, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 4, TrialTimeout = TimeSpan.FromSeconds(0.5), CancellationGrace = TimeSpan.FromSeconds(0.5) });
        release.Set();

        Assert.Equal(4, result.Trials.Count(t => t.State == TrialState.Complete));
        var stuck = result.Trials.Single(t => t.Number == 1);
        Assert.Equal(TrialState.Failed, stuck.State);
        Assert.StartsWith("timeout: the trial ran longer than TrialTimeout (0.5 s) and did not return within CancellationGrace (0.5 s)", stuck.Error);
        Assert.Empty(stuck.Intermediate);
    }

    [Fact]
    public void A_trial_timeout_cancels_a_cooperative_trial_and_counts_it_as_failed()
    {
        var result = Sweep.Run<Knobs>(t =>
        {
            if (t.Number == 0) Task.Delay(Timeout.Infinite, t.CancellationToken).Wait();
            return t.Parameters.Lr;
        }, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 2, TrialTimeout = TimeSpan.FromSeconds(0.3) });

        Assert.Equal("timeout: the trial ran longer than TrialTimeout (0.3 s) and stopped at its cancellation token", result.Trials[0].Error);
        Assert.Equal(2, result.Trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public void A_cancelled_objective_that_waits_with_Task_Wait_is_stored_as_cancelled_not_as_a_failure()
    {
        // MaxFailedTrials = 0: a failure would end the sweep with an exception; a cancellation does not count.
        var result = Sweep.Run<Knobs>(t =>
        {
            if (t.Number == 1) Task.Delay(Timeout.Infinite, t.CancellationToken).Wait();   // AggregateException(TaskCanceledException)
            return t.Parameters.Lr;
        }, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 5, Timeout = TimeSpan.FromSeconds(0.5), MaxFailedTrials = 0 });

        Assert.True(result.TimedOut);
        Assert.Equal((TrialState.Failed, "cancelled: the sweep was cancelled or timed out while the trial ran"), (result.Trials[1].State, result.Trials[1].Error));
    }

    [Fact]
    public void An_objective_that_swallows_the_cancellation_and_returns_NaN_is_stored_as_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var result = Sweep.Run<Knobs>(t =>
        {
            cts.Cancel();
            try { Task.Delay(Timeout.Infinite, t.CancellationToken).Wait(); } catch (AggregateException) { }
            return double.NaN;
        }, Knobs.DefaultSweepOptions with { Storage = ":memory:", Trials = 5, MaxFailedTrials = 0 }, cancellationToken: cts.Token);

        Assert.True(result.Cancelled);
        Assert.Equal("cancelled: the sweep was cancelled or timed out while the trial ran", Assert.Single(result.Trials).Error);
    }

    [Fact]
    public void Sweep_options_reject_a_trial_timeout_or_grace_that_cannot_be_meant()
    {
        var e = Assert.Throws<ArgumentException>(() => Sweep.Run<Knobs>(t => 1.0,
            Knobs.DefaultSweepOptions with { Storage = ":memory:", TrialTimeout = TimeSpan.Zero, CancellationGrace = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("TrialTimeout is 00:00:00; expected a positive time or null.", e.Message);
        Assert.Contains("CancellationGrace is -00:00:01; expected zero or a positive time, or null (wait as long as it takes).", e.Message);
    }
}

/// <summary>Collects formatted log lines (thread-safe: workers log from their own threads).</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> lines = new();
    public IReadOnlyList<string> Messages { get { lock (lines) return lines.ToList(); } }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines) lines.Add(formatter(state, exception));
    }
}

/// <summary>How a worker's text tells a later process of this machine whether that worker is gone.</summary>
public sealed class WorkerIdentityTests
{
    [Fact]
    public void This_process_is_not_gone_and_its_text_starts_with_host_and_pid()
    {
        Assert.StartsWith($"{Environment.MachineName}:{Environment.ProcessId} (", WorkerIdentity.Current);
        Assert.False(WorkerIdentity.IsGone(WorkerIdentity.Current));
        Assert.Equal($"{Environment.MachineName}:{Environment.ProcessId}", WorkerIdentity.Short(WorkerIdentity.Current));
    }

    [Fact]
    public void A_finished_process_of_this_machine_is_gone_and_a_pid_reused_by_another_process_is_too()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        // Its text as it would write it: this process's key with its pid and start time.
        string key = WorkerIdentity.Current[(WorkerIdentity.Current.IndexOf(" (", StringComparison.Ordinal) + 2)..^1];
        string scope = key[..key.LastIndexOf(" start ", StringComparison.Ordinal)];
        string startOfSleep = File.ReadAllText($"/proc/{p.Id}/stat").Split(')')[1].Trim().Split(' ')[19];
        string alive = $"{Environment.MachineName}:{p.Id} ({scope} start {startOfSleep})";
        Assert.False(WorkerIdentity.IsGone(alive));
        Assert.True(WorkerIdentity.IsGone($"{Environment.MachineName}:{p.Id} ({scope} start 1)"));   // pid reused since
        p.Kill();
        p.WaitForExit();
        Assert.True(WorkerIdentity.IsGone(alive));
    }

    [Theory]
    [InlineData("another-host:1 (linux x pid:[1] start 1)")]   // another machine: only its heartbeat can tell
    [InlineData("{host}:999999")]                              // written by an older Attune: no key
    [InlineData("{host}:999999 (linux another-boot pid:[1] start 1)")]
    [InlineData(null)]
    public void A_worker_this_process_cannot_check_is_never_taken_for_gone(string? worker)
        => Assert.False(WorkerIdentity.IsGone(worker?.Replace("{host}", Environment.MachineName)));
}

/// <summary>A small tmpfs mounted for one test (a real full disk), where this process may mount one (root on Linux).</summary>
internal sealed class SmallDisk : IDisposable
{
    public const string Why = "Mounting a tmpfs needs root (with CAP_SYS_ADMIN) on Linux; this run may not mount, so the full-disk test is skipped.";

    private SmallDisk(string path) => Path = path;
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> at <paramref name="path"/>; null where mounting is refused.</summary>
    public static SmallDisk? Mount(string path, int kilobytes)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux() || Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path) != 0) return null;
        return new SmallDisk(path);
    }

    public void Dispose() => Run("umount", "-l", Path);

    internal static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            p.WaitForExit(30_000);
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}

/// <summary>A folder this process may not write to: a read-only bind mount as root (root ignores permissions), else
/// permissions 0555.</summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly bool mounted;
    private ReadOnlyFolder(string path, bool mounted) { Path = path; this.mounted = mounted; }
    public string Path { get; }

    public static ReadOnlyFolder Make(string path)
    {
        Directory.CreateDirectory(path);
        if (Environment.UserName == "root" && OperatingSystem.IsLinux())
        {
            // Root ignores permissions: only a read-only mount stops it. A root without the right to mount skips.
            Skip.If(SmallDisk.Run("mount", "--bind", path, path) != 0, "root here may not mount, so a read-only folder cannot be made");
            if (SmallDisk.Run("mount", "-o", "remount,ro,bind", path) != 0)
            {
                SmallDisk.Run("umount", "-l", path);
                Skip.If(true, "root here may not remount read-only, so a read-only folder cannot be made");
            }
            return new ReadOnlyFolder(path, mounted: true);
        }
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("read-only folders are made with Unix permissions");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return new ReadOnlyFolder(path, mounted: false);
    }

    public void Dispose()
    {
        if (mounted) SmallDisk.Run("umount", "-l", Path);
        else if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
