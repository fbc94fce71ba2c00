using Attune;
using Attune.Search;
using Attune.Search.PostgreSql;

namespace Attune.Study.Tests;

/// <summary>A one-float, one-int space whose X range a test narrows (same name as <see cref="WorkerSpace"/>'s parameters).</summary>
public sealed record HalfSpace(double X, int N) : ITuneSpace<HalfSpace>
{
    public static SearchSpace Space { get; } = new("WorkerSpace",
    [
        new ParameterSpec("X", ParameterKind.Float, 0, 0.5),
        new ParameterSpec("N", ParameterKind.Int, 1, 10, Step: 1),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = WorkerSpace.DefaultSweepOptions;

    public static HalfSpace Decode(IReadOnlyList<double> values) => new(values[0], (int)values[1]);

    public double[] Encode() => [X, N];
}

/// <summary>
/// Studies that evolve, on every storage: configurations enqueued to run first (once, in order, durably), trials copied
/// from another study (those that fit, the others reported with why), and explicit, recorded space migrations.
/// </summary>
public abstract class StudyEvolutionTests : IDisposable
{
    protected readonly TempDir Dir = new();
    protected abstract IStudyStorage Create();
    /// <summary>Another handle on the same studies (a new connection set; the same object in memory).</summary>
    protected abstract IStudyStorage Reopen(IStudyStorage first);

    public void Dispose() => Dir.Dispose();

    private static SweepOptions Options(int trials, string study) => new()
    {
        Trials = trials, StudyName = study, Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 3, ConsoleProgress = false, MaxFailedTrials = -1,
    };

    private static double Loss(Knobs k) => Math.Log10(k.Lr) * Math.Log10(k.Lr) + k.Layers;

    private void WithReopened(IStudyStorage first, Action<IStudyStorage> check)
    {
        var other = Reopen(first);
        try { check(other); }
        finally { if (!ReferenceEquals(other, first)) other.Dispose(); }
    }

    [SkippableFact]
    public void Enqueued_configurations_run_first_in_order_exactly_once_and_then_the_sampler_takes_over()
    {
        using var storage = Create();
        var first = new Knobs(0.001, 2, "gelu", true);
        var second = new Knobs(0.05, 7, "tanh", false);
        var a = Studies.Enqueue(storage, "queue", first, Direction.Minimize);
        Studies.Enqueue(storage, "queue", second, Direction.Minimize);
        Assert.Null(a.TrialNumber);

        var run = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(4, "queue"), sampler: null, storage: storage);

        Assert.Equal(first, run.Trials[0].Parameters);
        Assert.Equal(second, run.Trials[1].Parameters);
        Assert.DoesNotContain(run.Trials.Skip(2), t => t.Parameters == first || t.Parameters == second);
        WithReopened(storage, other => Assert.Equal(new int?[] { 0, 1 }, Studies.Queue(other, "queue").Select(q => q.TrialNumber)));

        // A later run of the study finds the queue spent: nothing runs twice.
        var more = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(6, "queue"), sampler: null, storage: storage);
        Assert.Single(more.Trials, t => t.Parameters == first);
        Assert.Single(more.Trials, t => t.Parameters == second);
    }

    [SkippableFact]
    public void A_configuration_outside_the_space_is_refused_naming_the_parameter_its_value_and_the_range()
    {
        using var storage = Create();
        var far = Assert.Throws<ArgumentException>(() => Studies.Enqueue(storage, "bad", new Knobs(0.5, 2, "relu", true), Direction.Minimize));
        Assert.Contains("Lr is 0.5, outside its range; expected a log-uniform value in [0.0001, 0.1]", far.Message);
        Assert.Contains("study 'bad'", far.Message);
        var off = Assert.Throws<ArgumentException>(() => Studies.Enqueue(storage, "bad", new Knobs(0.01, 9, "relu", true), Direction.Minimize));
        Assert.Contains("Layers is 9, outside its range; expected an int in [1, 8] step 1", off.Message);
        var choice = Assert.Throws<ArgumentException>(() => Studies.Enqueue(storage, "bad", new Knobs(0.01, 2, "swish", true), Direction.Minimize));
        Assert.Contains("Act is choice index -1; expected one of relu, gelu, tanh", choice.Message);
        Assert.Empty(Studies.Queue(storage, "bad"));
    }

    [SkippableFact]
    public void The_queue_is_stored_in_the_study_so_a_new_process_runs_what_an_earlier_one_left()
    {
        using var storage = Create();
        var queued = Enumerable.Range(1, 3).Select(n => new Knobs(0.001 * n, n, "relu", false)).ToList();
        foreach (var k in queued) Studies.Enqueue(storage, "durable", k, Direction.Minimize);
        // The first run stops after one trial (as a crash would leave it, the rest of the queue waiting).
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(1, "durable"), sampler: null, storage: storage);
        WithReopened(storage, other =>
        {
            Assert.Equal(new int?[] { 0, null, null }, Studies.Queue(other, "durable").Select(q => q.TrialNumber));
            var rest = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(4, "durable"), sampler: null, storage: other);
            Assert.Equal(queued, rest.Trials.Take(3).Select(t => t.Parameters));
            Assert.DoesNotContain(rest.Trials[3].Parameters, queued);
        });
    }

    [SkippableFact]
    public void A_changed_space_is_refused_without_the_opt_in_and_the_message_names_it()
    {
        using var storage = Create();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(2, "space"), sampler: null, storage: storage);
        var refused = Assert.Throws<SpaceChangedException>(() => Sweep.Run<KnobsEdited>(t => t.Parameters.Layers, Options(3, "space"), sampler: null, storage: storage));
        Assert.Contains("SweepOptions.SpaceChange = SpaceChange.Widen", refused.Message);
        Assert.Contains("Studies.MigrateSpace", refused.Message);
        Assert.Empty(Studies.Migrations(storage, "space"));
    }

    [SkippableFact]
    public void Narrowing_and_removal_are_refused_unless_allowed_and_nothing_changes_then()
    {
        using var storage = Create();
        Sweep.Run<WorkerSpace>(t => t.Parameters.X, Options(6, "narrow"), sampler: null, storage: storage);
        var options = Options(8, "narrow") with { SpaceChange = SpaceChange.Widen };
        var refused = Assert.Throws<InvalidOperationException>(() => Sweep.Run<HalfSpace>(t => t.Parameters.X, options, sampler: null, storage: storage));
        Assert.Contains("X: narrowed from \"X: uniform [0, 1]\" to \"X: uniform [0, 0.5]\"", refused.Message);
        Assert.Contains("SpaceChange.AllowNarrowing", refused.Message);
        Assert.Contains("Nothing was changed", refused.Message);
        Assert.Equal(WorkerSpace.Space.Fingerprint, storage.FindStudy("narrow")!.Fingerprint);

        var removed = Assert.Throws<InvalidOperationException>(() => Studies.MigrateSpace<KnobsEdited>(storage, "narrow", SpaceChange.Widen));
        Assert.Contains("Lr: added (\"Lr: log-uniform [0.0001, 0.1]\") with no value for the old trials", removed.Message);
        Assert.Contains("N: removed (was \"N: int [1, 10] step 1\")", removed.Message);

        var run = Sweep.Run<HalfSpace>(t => t.Parameters.X, options with { SpaceChange = SpaceChange.AllowNarrowing }, sampler: null, storage: storage);
        Assert.Equal(8, run.Trials.Count(t => t.State == TrialState.Complete));
        var old = TestStudies.Trials(storage, "narrow").Take(6).ToList();
        // Old trials outside the narrowed range are kept, and samplers no longer use them.
        Assert.Contains(old, t => t.Values[0] > 0.5);
        foreach (var t in old) Assert.Equal(t.Values[0] <= 0.5, SamplingMath.Fits(HalfSpace.Space, t.ToFrozen()));
        Assert.All(run.Trials.Skip(6), t => Assert.InRange(t.Parameters.X, 0, 0.5));
    }

    [SkippableFact]
    public void A_narrowing_that_would_leave_a_waiting_queued_configuration_outside_the_space_is_refused()
    {
        using var storage = Create();
        Studies.Enqueue(storage, "waiting", new WorkerSpace(0.3, 2), Direction.Minimize);
        var outside = Studies.Enqueue(storage, "waiting", new WorkerSpace(0.8, 2), Direction.Minimize);
        var e = Assert.Throws<InvalidOperationException>(() => Studies.MigrateSpace<HalfSpace>(storage, "waiting", SpaceChange.AllowNarrowing));
        Assert.Contains($"queued configuration {outside.Id} (enqueued ", e.Message);
        Assert.Contains("still waiting) would not fit the new space: X is 0.8, outside its range; expected a uniform value in [0, 0.5]", e.Message);
        Assert.Equal(WorkerSpace.Space.Fingerprint, storage.FindStudy("waiting")!.Fingerprint);

        // Once it has run (with the old space), the migration goes through and the trial is kept.
        Sweep.Run<WorkerSpace>(t => t.Parameters.X, Options(2, "waiting"), sampler: null, storage: storage);
        Assert.NotNull(Studies.MigrateSpace<HalfSpace>(storage, "waiting", SpaceChange.AllowNarrowing));
        Assert.Equal([0.3, 0.8], TestStudies.Trials(storage, "waiting").Select(t => t.Values[0]));
    }

    [SkippableFact]
    public void A_migration_keeps_the_old_trials_rewritten_by_name_and_is_recorded_in_the_study()
    {
        using var storage = Create();
        var before = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(4, "migrate"), sampler: null, storage: storage);
        var change = SpaceChange.AllowNarrowing.WithDefault("Momentum", 0.9);
        var after = Sweep.Run<KnobsEdited>(t => t.Parameters.Layers + t.Parameters.Momentum, Options(6, "migrate") with { SpaceChange = change }, sampler: null, storage: storage);

        Assert.Equal(6, after.Trials.Count);
        for (int i = 0; i < 4; i++)
        {
            var (was, now) = (before.Trials[i], after.Trials[i]);
            Assert.Equal((was.Parameters.Lr, was.Parameters.Layers, was.Parameters.Act, 0.9, was.Value),
                (now.Parameters.Lr, now.Parameters.Layers, now.Parameters.Act, now.Parameters.Momentum, now.Value));
        }
        WithReopened(storage, other =>
        {
            var migration = Assert.Single(Studies.Migrations(other, "migrate"));
            Assert.Equal((Knobs.Space.Fingerprint, KnobsEdited.Space.Fingerprint), (migration.OldFingerprint, migration.NewFingerprint));
            Assert.Equal("Lr: log-uniform [0.0001, 0.1]\nLayers: int [1, 8] step 1\nAct: choice {relu, gelu, tanh}\nBias: choice {false, true}\n", migration.OldSpaceText);
            Assert.Contains("Layers: widened from \"Layers: int [1, 8] step 1\" to \"Layers: int [1, 16] step 1\"", migration.Changes);
            Assert.Contains("Momentum: added (\"Momentum: uniform [0, 0.99]\"); old trials ran with 0.9", migration.Changes);
            Assert.Contains(migration.Changes, c => c.StartsWith("Bias: removed", StringComparison.Ordinal));
            Assert.True(DateTimeOffset.UtcNow - migration.When < TimeSpan.FromMinutes(5));
            Assert.Equal(KnobsEdited.Space.Fingerprint, other.FindStudy("migrate")!.Fingerprint);
        });
        // Migrating again to the same space records nothing more.
        Assert.Null(Studies.MigrateSpace<KnobsEdited>(storage, "migrate", change));
        Assert.Single(Studies.Migrations(storage, "migrate"));
    }

    [SkippableFact]
    public void A_warm_start_copies_the_trials_that_fit_reports_the_rest_and_copies_only_once()
    {
        using var storage = Create();
        var source = Sweep.Run<WorkerSpace>(t => { t.Report(0, t.Parameters.X * 2); return t.Parameters.X; }, Options(10, "source"), sampler: null, storage: storage);
        var sourceStudy = storage.FindStudy("source")!;
        var running = storage.CreateTrial(sourceStudy.Id, _ => [0.1, 3]);   // a trial still running in the source

        var options = Options(3, "target") with { WarmStartFrom = "source" };
        var run = Sweep.Run<HalfSpace>(t => t.Parameters.X, options, sampler: null, storage: storage);

        var fitting = source.Trials.Where(t => t.Parameters.X <= 0.5).ToList();
        Assert.InRange(fitting.Count, 1, 9);   // the seed gives both kinds
        var copied = TestStudies.Trials(storage, "target").Where(t => t.CopiedFrom is not null).ToList();
        Assert.Equal(fitting.Select(t => t.Value), copied.Select(t => t.Value));
        Assert.Equal(fitting.Select(t => t.Intermediate[0]), copied.Select(t => t.Intermediate[0]));
        Assert.All(copied, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal($"study 'source' in {storage.Location}, trial {fitting[0].Number}", copied[0].CopiedFrom);
        // Copied trials inform the sampler but do not count: three trials of its own ran.
        Assert.Equal(3, run.Trials.Count(t => t.State == TrialState.Complete) - copied.Count);

        var report = StudyEvolutionReport(storage, "source", "target-2");
        Assert.Equal(fitting.Count, report.Copied);
        Assert.Equal(11 - fitting.Count, report.NotCopied.Count);
        Assert.Contains((running.Number, "still running"), report.NotCopied);
        var outside = source.Trials.First(t => t.Parameters.X > 0.5);
        Assert.Contains(report.NotCopied, n => n.Number == outside.Number && n.Reason.StartsWith($"X is {outside.Parameters.X:R}, outside its range; expected a uniform value in [0, 0.5]", StringComparison.Ordinal));
        Assert.Contains("not copied", report.ToString());

        // Once per source: a second run (or a second worker) copies nothing more.
        Sweep.Run<HalfSpace>(t => t.Parameters.X, options with { Trials = 4 }, sampler: null, storage: storage);
        Assert.Equal(copied.Count, TestStudies.Trials(storage, "target").Count(t => t.CopiedFrom is not null));
        Assert.True(Studies.CopyTrials<HalfSpace>(storage, "source", storage, "target-2").AlreadyCopied);
    }

    /// <summary>Run by the storages whose workers hold handles of their own (SQLite, PostgreSQL); memory studies live in
    /// one process, where every sweep shares one storage object, so there is no old handle to stop.</summary>
    protected void A_worker_still_on_the_old_space_stores_its_result_and_stops_once_another_migrated_the_study()
    {
        using var oldWorker = Create();
        var study = oldWorker.OpenStudy("moving", WorkerSpace.Space, Direction.Minimize);
        var running = oldWorker.CreateTrial(study.Id, _ => [0.7, 3]);
        WithReopened(oldWorker, other => Assert.NotNull(Studies.MigrateSpace<HalfSpace>(other, "moving", SpaceChange.AllowNarrowing)));

        var e = Assert.Throws<InvalidOperationException>(() =>
            oldWorker.FinishAndCreate(study.Id, new TrialOutcome(running.Id, TrialState.Complete, 0.7, null), 0, (_, _) => new NewTrial([0.2, 1])));
        Assert.Contains($"Study 'moving' in {oldWorker.Location} was migrated to another search space (fingerprint {HalfSpace.Space.Fingerprint}) while this sweep ran", e.Message);
        var trials = TestStudies.Trials(oldWorker, "moving");
        Assert.Equal((TrialState.Complete, 0.7), (Assert.Single(trials).State, trials[0].Value));
        Assert.Throws<InvalidOperationException>(() => oldWorker.CreateTrial(study.Id, _ => [0.2, 1]));
        Assert.Single(TestStudies.Trials(oldWorker, "moving"));
    }

    private static WarmStartReport StudyEvolutionReport(IStudyStorage storage, string from, string to) => Studies.CopyTrials<HalfSpace>(storage, from, storage, to);

    [SkippableFact]
    public void A_warm_start_from_a_missing_study_or_the_other_direction_is_refused_with_what_was_expected()
    {
        using var storage = Create();
        var missing = Assert.Throws<InvalidOperationException>(() => Sweep.Run<HalfSpace>(t => t.Parameters.X, Options(1, "t") with { WarmStartFrom = "nowhere" }, sampler: null, storage: storage));
        Assert.Contains("WarmStartFrom names study 'nowhere', which is not in", missing.Message);
        Sweep.Run<WorkerSpace>(t => t.Parameters.X, Options(2, "max") with { Direction = Direction.Maximize }, sampler: null, storage: storage);
        var opposite = Assert.Throws<InvalidOperationException>(() => Sweep.Run<HalfSpace>(t => t.Parameters.X, Options(1, "t2") with { WarmStartFrom = "max" }, sampler: null, storage: storage));
        Assert.Contains("the source was run to Maximize, this study to Minimize", opposite.Message);
    }
}

public sealed class InMemoryEvolutionTests : StudyEvolutionTests
{
    protected override IStudyStorage Create() => new InMemoryStudyStorage();
    protected override IStudyStorage Reopen(IStudyStorage first) => first;
}

public sealed class SqliteEvolutionTests : StudyEvolutionTests
{
    protected override IStudyStorage Create() => new SqliteStudyStorage(Dir.File("studies.db"));
    protected override IStudyStorage Reopen(IStudyStorage first) => new SqliteStudyStorage(Dir.File("studies.db"));

    [Fact]
    public void A_worker_on_the_old_space_stops_once_another_migrated_the_study() => A_worker_still_on_the_old_space_stores_its_result_and_stops_once_another_migrated_the_study();

    [SkippableFact]
    public void Three_workers_on_three_connections_run_each_enqueued_configuration_once_and_before_anything_sampled()
    {
        string db = Dir.File("studies.db");
        var queued = Enumerable.Range(0, 9).Select(n => new WorkerSpace(0.05 + 0.1 * n, 1 + n)).ToList();
        using (var storage = new SqliteStudyStorage(db))
            foreach (var q in queued) Studies.Enqueue(storage, "shared", q, Direction.Minimize);
        var options = new SweepOptions { Trials = 24, StudyName = "shared", Direction = Direction.Minimize, Sampler = Sampler.Random, ConsoleProgress = false, Workers = 3, Storage = db };
        // Three sweeps at once, each with its own connections and three workers: as three processes would.
        var sweeps = Enumerable.Range(0, 3).Select(_ => Task.Run(() => Sweep.Run<WorkerSpace>(t => { Thread.Sleep(5); return t.Parameters.X; }, options))).ToArray();
        Task.WaitAll(sweeps);

        var trials = TestStudies.Trials(db, "shared");
        var decoded = trials.Select(t => WorkerSpace.Decode(t.Values)).ToList();
        foreach (var q in queued) Assert.Single(decoded, d => d == q);
        Assert.Equal(queued, decoded.Take(queued.Count));   // the first nine numbers, in the queue's order
        using var reopened = new SqliteStudyStorage(db);
        Assert.Equal(Enumerable.Range(0, 9).Select(n => (int?)n), Studies.Queue(reopened, "shared").Select(q => q.TrialNumber));
    }
}

public sealed class PostgresEvolutionTests : StudyEvolutionTests, IDisposable
{
    private string? connection;
    private string? schema;
    private string Connection => connection ??= PostgresServer.NewSchema(out schema);

    protected override IStudyStorage Create() => new PostgresStudyStorage(Connection);
    protected override IStudyStorage Reopen(IStudyStorage first) => new PostgresStudyStorage(Connection);

    [SkippableFact]
    public void A_worker_on_the_old_space_stops_once_another_migrated_the_study() => A_worker_still_on_the_old_space_stores_its_result_and_stops_once_another_migrated_the_study();

    public new void Dispose()
    {
        if (schema is not null) PostgresServer.Drop(schema);
        base.Dispose();
    }
}

/// <summary>The start line says when this run migrated the study's space and what its warm start copied.</summary>
public sealed class EvolutionStartLineTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private string Db => Path.GetFullPath(dir.File("studies.db"));

    private static string[] Lines(StringWriter output) => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_start_line_says_the_space_was_migrated_and_the_trials_kept()
    {
        var options = WorkerSpace.DefaultSweepOptions with { Storage = Db, StudyName = "s", Trials = 3 };
        Sweep.Run<WorkerSpace>(t => t.Parameters.X, options with { ConsoleProgress = false });
        var output = new StringWriter();
        Sweep.Run<HalfSpace>(t => t.Parameters.X, options with { Trials = 4, SpaceChange = SpaceChange.AllowNarrowing }, new ConsoleSweepProgress(output, live: false, interval: TimeSpan.Zero));
        Assert.Equal($"Study 's' in SQLite file '{Db}': resumed with 3 trials (3 complete) — its search space was migrated " +
                     "(X: narrowed from \"X: uniform [0, 1]\" to \"X: uniform [0, 0.5]\"; old trials outside [0, 0.5] are kept but no longer fit), every earlier trial kept; " +
                     "running until 4 are complete or pruned (1 to go).", Lines(output)[0]);
    }

    [Fact]
    public void The_start_line_says_what_the_warm_start_copied_and_copied_trials_do_not_count_toward_the_target()
    {
        var source = Sweep.Run<WorkerSpace>(t => t.Parameters.X, WorkerSpace.DefaultSweepOptions with { Storage = Db, StudyName = "a", Trials = 6, ConsoleProgress = false });
        int fit = source.Trials.Count(t => t.Parameters.X <= 0.5);
        Assert.InRange(fit, 1, 5);   // the seed gives both kinds
        var output = new StringWriter();
        Sweep.Run<HalfSpace>(t => t.Parameters.X, WorkerSpace.DefaultSweepOptions with { Storage = Db, StudyName = "b", Trials = 2, WarmStartFrom = "a" },
            new ConsoleSweepProgress(output, live: false, interval: TimeSpan.Zero));
        var line = Lines(output)[0];
        Assert.Equal($"Study 'b' in SQLite file '{Db}': created — warm start: {fit} trial{(fit == 1 ? "" : "s")} copied from study 'a' in SQLite file '{Db}'; " +
                     $"{6 - fit} not copied ({6 - fit} X outside its range); running until 2 are complete or pruned (2 to go).", line);
    }
}
