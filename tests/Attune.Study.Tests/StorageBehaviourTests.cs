using Attune;
using Attune.Search;
using Attune.Search.PostgreSql;

namespace Attune.Study.Tests;

/// <summary>The behaviour every study storage has; run against memory and a SQLite file.</summary>
public abstract class StorageBehaviourTests : IDisposable
{
    protected readonly TempDir Dir = new();
    protected abstract IStudyStorage Create();
    /// <summary>A second handle on the same studies (a second SQLite connection set; the same object in memory).</summary>
    protected abstract IStudyStorage Reopen(IStudyStorage first);

    [SkippableFact]
    public void A_study_keeps_the_settings_it_was_first_run_with_and_deleting_it_forgets_them()
    {
        using var storage = Create();
        var space = new SearchSpace("s", [new ParameterSpec("x", ParameterKind.Float, Low: 0, High: 1)]);
        var study = storage.OpenStudy("settings", space, Direction.Minimize);
        Assert.Equal("sampler Tpe, pruner None, seed 42", storage.RecordSettings(study.Id, "sampler Tpe, pruner None, seed 42"));
        Assert.Equal("sampler Tpe, pruner None, seed 42", storage.RecordSettings(study.Id, "sampler Random, pruner None, seed 7"));   // the first ones stay
        using (var again = Reopen(storage))
            Assert.Equal("sampler Tpe, pruner None, seed 42", again.RecordSettings(again.OpenStudy("settings", space, Direction.Minimize).Id, "sampler Grid, pruner None, seed 1"));

        Assert.True(storage.DeleteStudy("settings"));
        var fresh = storage.OpenStudy("settings", space, Direction.Minimize);
        Assert.Equal("sampler Random, pruner None, seed 7", storage.RecordSettings(fresh.Id, "sampler Random, pruner None, seed 7"));
    }

    public void Dispose() => Dir.Dispose();

    [SkippableFact]
    public void Round_trips_each_trials_objectives_and_constraints_and_keeps_value_as_the_first_objective()
    {
        using var storage = Create();
        var study = storage.OpenStudy("scored", Knobs.Space, Direction.Maximize);
        var scored = storage.CreateTrial(study.Id, _ => [0.001, 3, 2, 1]);
        var plain = storage.CreateTrial(study.Id, _ => [0.01, 8, 0, 0]);
        var failed = storage.CreateTrial(study.Id, _ => [0.02, 4, 1, 0]);
        storage.FinishTrial(new TrialOutcome(scored.Id, TrialState.Complete, 0.93, null) { Objectives = [0.93, 12.5, -1e-300], Constraints = [-3.25, 0.5] });
        storage.FinishTrial(new TrialOutcome(plain.Id, TrialState.Complete, 0.5, null));
        storage.FinishTrial(new TrialOutcome(failed.Id, TrialState.Failed, null, "System.Exception: boom"));

        using var other = Reopen(storage);
        var trials = other.GetTrialsChangedSince(other.OpenStudy("scored", Knobs.Space, Direction.Maximize).Id, 0).Trials.OrderBy(t => t.Number).ToList();
        Assert.Equal(0.93, trials[0].Value);
        Assert.Equal([0.93, 12.5, -1e-300], trials[0].Objectives!);   // exact doubles, the tiny one included
        Assert.Equal([-3.25, 0.5], trials[0].Constraints!);
        Assert.Equal([0.93, 12.5, -1e-300], trials[0].ToFrozen().Objectives!);
        Assert.Equal([-3.25, 0.5], trials[0].ToFrozen().Constraints!);
        Assert.Null(trials[1].Objectives);   // a plain objective stores its value alone
        Assert.Null(trials[1].Constraints);
        Assert.Null(trials[2].Objectives);
        Assert.Equal(0.5, trials[1].Value);
    }

    [SkippableFact]
    public void Creates_a_study_once_and_finds_it_again()
    {
        using var storage = Create();
        var a = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var b = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(Knobs.Space.Fingerprint, b.Fingerprint);
        Assert.Equal("Lr: log-uniform [0.0001, 0.1]\nLayers: int [1, 8] step 1\nAct: choice {relu, gelu, tanh}\nBias: choice {false, true}\n", b.SpaceText);
        Assert.Equal(Direction.Minimize, storage.FindStudy("s")!.Direction);
        Assert.Null(storage.FindStudy("other"));
    }

    [SkippableFact]
    public void Round_trips_trials_values_and_intermediate_values()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Maximize);
        var t0 = storage.CreateTrial(study.Id, n => [0.001, 3, 2, 1]);
        var t1 = storage.CreateTrial(study.Id, n => [0.01, 8, 0, 0]);
        Assert.Equal((0, 1), (t0.Number, t1.Number));
        storage.ReportIntermediate(t0.Id, 0, 0.5);
        storage.ReportIntermediate(t0.Id, 1, 0.75);
        storage.ReportIntermediate(t0.Id, 1, 0.8); // a step reported again replaces the value
        storage.FinishTrial(new TrialOutcome(t0.Id, TrialState.Complete, 0.9, null));
        storage.FinishTrial(new TrialOutcome(t1.Id, TrialState.Failed, null, "System.Exception: boom"));

        using var other = Reopen(storage);
        var trials = TestStudies.Trials(other, "s");
        Assert.Equal(2, trials.Count);
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal(0.9, trials[0].Value);
        Assert.Equal(new double[] { 0.001, 3, 2, 1 }, trials[0].Values);
        Assert.Equal(new Dictionary<int, double> { [0] = 0.5, [1] = 0.8 }, trials[0].Intermediate);
        Assert.NotNull(trials[0].Finished);
        Assert.Equal(TrialState.Failed, trials[1].State);
        Assert.Null(trials[1].Value);
        Assert.Equal("System.Exception: boom", trials[1].Error);
        Assert.Empty(trials[1].Intermediate);
    }

    [SkippableFact]
    public void Inactive_values_are_NaN_after_a_round_trip()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        storage.CreateTrial(study.Id, _ => [double.NaN, 1, 0, 0]);
        Assert.True(double.IsNaN(TestStudies.Trials(storage, "s")[0].Values[0]));
    }

    [SkippableFact]
    public void Changes_since_a_sequence_number_hold_only_what_changed()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t0 = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        var t1 = storage.CreateTrial(study.Id, _ => [0.01, 2, 0, 0]);
        var all = storage.GetTrialsChangedSince(study.Id, 0);
        Assert.Equal(2, all.Trials.Count);

        Assert.Empty(storage.GetTrialsChangedSince(study.Id, all.LastSeq).Trials);
        storage.ReportIntermediate(t1.Id, 0, 3.0);
        var afterReport = storage.GetTrialsChangedSince(study.Id, all.LastSeq);
        Assert.Equal(1, Assert.Single(afterReport.Trials).Number);
        Assert.Equal(3.0, afterReport.Trials[0].Intermediate[0]);

        storage.FinishTrial(new TrialOutcome(t0.Id, TrialState.Complete, 1.0, null));
        var afterFinish = storage.GetTrialsChangedSince(study.Id, afterReport.LastSeq);
        Assert.Equal(0, Assert.Single(afterFinish.Trials).Number);
        Assert.True(afterFinish.LastSeq > afterReport.LastSeq);
    }

    [SkippableFact]
    public void Concurrent_creations_get_unique_consecutive_numbers()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var numbers = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            int seen = -1;
            var t = storage.CreateTrial(study.Id, n => { seen = n; return [0.01, 1, 0, 0]; });
            Assert.Equal(seen, t.Number);
            numbers.Add(t.Number);
        });
        Assert.Equal(Enumerable.Range(0, 40), numbers.OrderBy(n => n));
    }

    [SkippableFact]
    public void A_sample_callback_that_throws_creates_nothing()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        Assert.Throws<InvalidOperationException>(() => storage.CreateTrial(study.Id, _ => throw new InvalidOperationException("no")));
        Assert.Equal(0, storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]).Number);
    }

    [SkippableFact]
    public void Stale_running_trials_are_failed_and_finished_ones_left_alone()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var done = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        storage.FinishTrial(new TrialOutcome(done.Id, TrialState.Complete, 1, null));
        storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        Assert.Empty(storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow.AddMinutes(-2), "abandoned"));
        Assert.Equal([1], storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow.AddSeconds(1), "abandoned"));
        var trials = TestStudies.Trials(storage, "s");
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal((TrialState.Failed, "abandoned"), (trials[1].State, trials[1].Error));
    }

    [SkippableFact]
    public void Heartbeat_keeps_a_running_trial_fresh()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        Thread.Sleep(20);
        var before = DateTimeOffset.UtcNow;
        storage.Heartbeat([t.Id]);
        Assert.Empty(storage.FailStaleTrials(study.Id, before.AddMilliseconds(-5), "abandoned"));
        Assert.True(TestStudies.Trials(storage, "s")[0].Heartbeat >= before.AddMilliseconds(-5));
    }

    [SkippableFact]
    public void A_changed_space_names_each_parameter_and_how_to_proceed()
    {
        using var storage = Create();
        storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var e = Assert.Throws<SpaceChangedException>(() => storage.OpenStudy("s", KnobsEdited.Space, Direction.Minimize));
        Assert.Equal(
            [
                "Layers: changed from \"Layers: int [1, 8] step 1\" to \"Layers: int [1, 16] step 1\"",
                "Momentum: added (\"Momentum: uniform [0, 0.99]\")",
                "Bias: removed (was \"Bias: choice {false, true}\")",
            ], e.Changes);
        Assert.Contains("Study 's' in " + storage.Location, e.Message);
        Assert.Contains("SweepOptions.StudyName", e.Message);
        Assert.Contains("DeleteStudy", e.Message);
    }

    [SkippableFact]
    public void Another_direction_is_refused()
    {
        using var storage = Create();
        storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var e = Assert.Throws<InvalidOperationException>(() => storage.OpenStudy("s", Knobs.Space, Direction.Maximize));
        Assert.Contains("created to Minimize; this sweep asks to Maximize", e.Message);
    }

    [SkippableFact]
    public void Deleting_a_study_removes_its_trials()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        storage.ReportIntermediate(t.Id, 0, 1);
        Assert.True(storage.DeleteStudy("s"));
        Assert.False(storage.DeleteStudy("s"));
        Assert.Null(storage.FindStudy("s"));
        var again = storage.OpenStudy("s", KnobsEdited.Space, Direction.Minimize);
        Assert.Equal(0, storage.CreateTrial(again.Id, _ => [0.01, 1, 0, 0.5]).Number);
    }

    [SkippableFact]
    public void A_finish_carrying_the_objective_times_stores_them_instead_of_creation_and_write_times()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var first = storage.CreateTrial(study.Id, n => [0.001, 3, 2, 1]);
        var second = storage.CreateTrial(study.Id, n => [0.01, 2, 1, 0]);
        // Created ahead: their objectives began 40 ms after their creation; the finishes say so (alone, and together
        // with the next creation).
        var began = first.Started.AddMilliseconds(40);
        var ended = began.AddMilliseconds(25);   // and ended well before this write (its result was stored later)
        storage.FinishTrial(new TrialOutcome(first.Id, TrialState.Complete, 1.0, null) { Started = began, Finished = ended });
        var began2 = second.Started.AddMilliseconds(40);
        var third = storage.FinishAndCreate(study.Id, new TrialOutcome(second.Id, TrialState.Complete, 2.0, null) { Started = began2 }, 0, (n, c) => new double[] { 0.02, 1, 0, 1 })!;
        // Without a start time a finish keeps the one stored at creation; without an end time, the time of the write.
        var beforeWrite = DateTimeOffset.UtcNow;
        storage.FinishAndCreate(study.Id, new TrialOutcome(third.Id, TrialState.Complete, 3.0, null), 0, (n, c) => null);
        var stored = storage.GetTrialsChangedSince(study.Id, 0).Trials.OrderBy(t => t.Number).ToList();
        Assert.Equal([began.ToUnixTimeMilliseconds(), began2.ToUnixTimeMilliseconds(), third.Started.ToUnixTimeMilliseconds()],
            stored.Select(t => t.Started.ToUnixTimeMilliseconds()));
        Assert.Equal([1.0, 2.0, 3.0], stored.Select(t => t.Value!.Value));
        Assert.Equal(ended.ToUnixTimeMilliseconds(), stored[0].Finished!.Value.ToUnixTimeMilliseconds());
        Assert.InRange(stored[2].Finished!.Value.ToUnixTimeMilliseconds(), beforeWrite.ToUnixTimeMilliseconds() - 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1);
    }

    [SkippableFact]
    public void A_report_read_back_with_the_changes_after_a_sequence_number_includes_itself_and_others()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var mine = storage.CreateTrial(study.Id, n => [0.001, 3, 2, 1]);
        long seen = storage.GetTrialsChangedSince(study.Id, 0).LastSeq;
        var other = storage.CreateTrial(study.Id, n => [0.01, 2, 1, 0]);    // another worker's, created since
        storage.ReportIntermediate(mine.Id, 0, 0.25);

        var changes = storage.ReportAndRead(study.Id, mine.Id, 1, 0.5, seen);
        Assert.Equal([0, 1], changes.Trials.Select(t => t.Number).Distinct().Order());
        var latest = changes.Trials.Where(t => t.Number == 0).MaxBy(t => t.UpdatedSeq)!;
        Assert.Equal(new Dictionary<int, double> { [0] = 0.25, [1] = 0.5 }, latest.Intermediate);
        Assert.Equal(storage.GetTrialsChangedSince(study.Id, 0).LastSeq, changes.LastSeq);
        Assert.DoesNotContain(storage.ReportAndRead(study.Id, other.Id, 0, 1.0, changes.LastSeq).Trials, t => t.Number == 0);
    }
}

public sealed class InMemoryStorageTests : StorageBehaviourTests
{
    private sealed class Shared(IStudyStorage inner) : IStudyStorage
    {
        public string Location => inner.Location;
        public StudyInfo OpenStudy(string name, SearchSpace space, Direction direction) => inner.OpenStudy(name, space, direction);
        public StudyInfo? FindStudy(string name) => inner.FindStudy(name);
        public bool DeleteStudy(string name) => inner.DeleteStudy(name);
        public StoredTrial CreateTrial(long studyId, Func<int, double[]> sample) => inner.CreateTrial(studyId, sample);
        public void ReportIntermediate(long trialId, int step, double value) => inner.ReportIntermediate(trialId, step, value);
        public void Heartbeat(IReadOnlyCollection<long> trialIds) => inner.Heartbeat(trialIds);
        public void FinishTrial(TrialOutcome outcome) => inner.FinishTrial(outcome);
        public StoredTrial? FinishAndCreate(long studyId, TrialOutcome? finish, long afterSeq, Func<int, TrialChanges, NewTrial?> decide)
            => inner.FinishAndCreate(studyId, finish, afterSeq, decide);
        public IReadOnlyList<StudyInfo> ListStudies() => inner.ListStudies();
        public string? RecordSettings(long studyId, string settings) => inner.RecordSettings(studyId, settings);
        public string? ReadSettings(long studyId) => inner.ReadSettings(studyId);
        public IReadOnlyList<int> FailStaleTrials(long studyId, DateTimeOffset olderThan, string error) => inner.FailStaleTrials(studyId, olderThan, error);
        public TrialChanges GetTrialsChangedSince(long studyId, long afterSeq) => inner.GetTrialsChangedSince(studyId, afterSeq);
        public void Dispose() { }
    }

    protected override IStudyStorage Create() => new InMemoryStudyStorage();
    protected override IStudyStorage Reopen(IStudyStorage first) => new Shared(first);
}

public sealed class SqliteStorageTests : StorageBehaviourTests
{
    protected override IStudyStorage Create() => new SqliteStudyStorage(Dir.File("studies.db"));
    protected override IStudyStorage Reopen(IStudyStorage first) => new SqliteStudyStorage(Dir.File("studies.db"));

    [SkippableFact]
    public void Parameters_are_stored_as_plain_JSON_with_natural_types()
    {
        using (var storage = Create())
        {
            var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
            storage.CreateTrial(study.Id, _ => [0.001, 3, 1, 1]);
        }
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Dir.File("studies.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT t.params_json, t.values_json, t.state, s.name FROM trials t JOIN studies s ON s.id = t.study_id";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("{\"Lr\":0.001,\"Layers\":3,\"Act\":\"gelu\",\"Bias\":true}", r.GetString(0));
        Assert.Equal("[0.001,3,1,1]", r.GetString(1));
        Assert.Equal("Running", r.GetString(2));
        Assert.Equal("s", r.GetString(3));
    }

    [SkippableFact]
    public void The_file_uses_WAL_a_schema_version_and_indexes()
    {
        using (Create()) { }
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Dir.File("studies.db")};Pooling=False");
        c.Open();
        string Scalar(string sql) { using var cmd = c.CreateCommand(); cmd.CommandText = sql; return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!; }
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal("4", Scalar("SELECT version FROM schema_version"));
        Assert.Equal("1", Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='trials_study_number'"));
        Assert.Contains("trials_study_seq", Detail(c));
    }

    private static string Detail(Microsoft.Data.Sqlite.SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM trials WHERE study_id = 1 AND updated_seq > 5";
        using var r = cmd.ExecuteReader();
        var text = "";
        while (r.Read()) text += r.GetString(3) + "\n";
        return text;
    }

    [SkippableFact]
    public void A_newer_schema_is_refused_with_a_clear_message()
    {
        using (Create()) { }
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Dir.File("studies.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE schema_version SET version = 99";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<NotSupportedException>(Create);
        Assert.Contains("schema version 99", e.Message);
    }
}

[Collection("postgres")]
public sealed class PostgresStorageTests : StorageBehaviourTests, IDisposable
{
    private string? schema;
    private string? connection;

    private string Connection => connection ??= PostgresServer.NewSchema(out schema);

    protected override IStudyStorage Create() => new PostgresStudyStorage(Connection);
    protected override IStudyStorage Reopen(IStudyStorage first) => new PostgresStudyStorage(Connection);

    public new void Dispose()
    {
        if (schema is not null) PostgresServer.Drop(schema);
        base.Dispose();
    }

    [SkippableFact]
    public void Parameters_are_stored_as_plain_JSON_with_natural_types()
    {
        using (var storage = Create())
        {
            var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
            storage.CreateTrial(study.Id, _ => [0.001, 3, 1, 1]);
        }
        using var c = new Npgsql.NpgsqlConnection(Connection);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand("SELECT t.params_json::text, t.values_json, t.state, s.name, t.params_json->>'Act' FROM trials t JOIN studies s ON s.id = t.study_id", c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("{\"Lr\":0.001,\"Layers\":3,\"Act\":\"gelu\",\"Bias\":true}", r.GetString(0));
        Assert.Equal("[0.001,3,1,1]", r.GetString(1));
        Assert.Equal("Running", r.GetString(2));
        Assert.Equal("s", r.GetString(3));
        Assert.Equal("gelu", r.GetString(4));
    }

    [SkippableFact]
    public void The_database_has_a_schema_version_and_the_indexes_the_queries_use()
    {
        using (var storage = Create())
        {
            var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
            for (int i = 0; i < 50; i++) storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        }
        Assert.Equal(4, PostgresServer.Scalar(Connection, "SELECT version FROM schema_version"));
        Assert.Equal(1L, PostgresServer.Scalar(Connection, $"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'trials_study_number'"));
        PostgresServer.Exec(Connection, "ANALYZE trials");
        string Plan(string sql)
        {
            using var c = new Npgsql.NpgsqlConnection(Connection);
            c.Open();
            using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", c)) off.ExecuteNonQuery();
            using var cmd = new Npgsql.NpgsqlCommand("EXPLAIN " + sql, c);
            using var r = cmd.ExecuteReader();
            var text = "";
            while (r.Read()) text += r.GetString(0) + "\n";
            return text;
        }
        Assert.Contains("trials_study_seq", Plan("SELECT id FROM trials WHERE study_id = 1 AND updated_seq > 5"));
        Assert.Contains("trials_study_running", Plan("SELECT id FROM trials WHERE study_id = 1 AND state = 'Running' AND heartbeat < now()"));
    }

    [SkippableFact]
    public void A_newer_schema_is_refused_with_a_clear_message()
    {
        using (Create()) { }
        PostgresServer.Exec(Connection, "UPDATE schema_version SET version = 99");
        var e = Assert.Throws<NotSupportedException>(Create);
        Assert.Contains("schema version 99", e.Message);
    }

    [SkippableFact]
    public void Storage_is_chosen_by_connection_string_or_URL_and_never_shows_the_password()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(Connection);
        using (var byKeywords = StudyStorage.Open(Connection))
            Assert.IsType<PostgresStudyStorage>(byKeywords);
        string url = $"postgresql://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password!)}@{b.Host}:{b.Port}/{b.Database}?options=-c%20search_path%3D{schema}";
        using (var byUrl = StudyStorage.Open(url))
        {
            var pg = Assert.IsType<PostgresStudyStorage>(byUrl);
            Assert.Equal($"PostgreSQL database '{b.Database}' on {b.Host}:{b.Port}", pg.Location);
            pg.OpenStudy("via-url", Knobs.Space, Direction.Minimize);
        }
        using (var again = new PostgresStudyStorage(Connection)) Assert.NotNull(again.FindStudy("via-url"));   // same schema

        // A wrong password: a clear error, and neither password appears.
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(Connection) { Password = "hunter2-wrong" };
        var e = Assert.Throws<InvalidOperationException>(() => StudyStorage.Open(wrong.ConnectionString));
        Assert.StartsWith($"Could not check the schema in PostgreSQL database '{b.Database}' on {b.Host}:{b.Port} as user '{b.Username}': " +
            "the server refused the password. Check Username and Password in SweepOptions.Storage", e.Message);
        Assert.Contains("Server said: 28P01: password authentication failed", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
        Assert.DoesNotContain(b.Password!, e.ToString());
        // A database that does not exist: named, with what to do.
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(Connection) { Database = "no_such_db_attune" };
        var m = Assert.Throws<InvalidOperationException>(() => StudyStorage.Open(missing.ConnectionString));
        Assert.StartsWith($"Could not check the schema in PostgreSQL database 'no_such_db_attune' on {b.Host}:{b.Port} as user '{b.Username}': that database does not exist.", m.Message);
        Assert.DoesNotContain(b.Password!, m.ToString());
        // No server on that port: retried, then a clear error naming host:port, not the password.
        var nowhere = new Npgsql.NpgsqlConnectionStringBuilder(Connection) { Port = 1, Password = "hunter2", Timeout = 1 };
        var down = Assert.Throws<StudyStorageUnavailableException>(() => new PostgresStudyStorage(nowhere.ConnectionString, TimeSpan.FromSeconds(1)));
        Assert.Contains($"on {b.Host}:1", down.Message);
        Assert.DoesNotContain("hunter2", down.ToString());
        Assert.DoesNotContain("hunter2", Assert.Throws<ArgumentException>(() => StudyStorage.Open("postgres://u:hunter2@[bad")).Message);
    }

    [SkippableFact]
    public void A_worker_with_only_the_documented_rights_runs_a_sweep_on_an_administrator_made_schema()
    {
        // The administrator creates the tables once and a role with the rights docs/postgresql.md lists.
        PostgresServer.Exec(Connection, PostgresStudyStorage.SchemaSql);
        string role = "attune_w_" + Guid.NewGuid().ToString("N")[..8];
        PostgresServer.Exec(Connection, $"""
            CREATE ROLE {role} LOGIN PASSWORD 'worker-pw';
            GRANT USAGE ON SCHEMA {schema} TO {role};
            GRANT SELECT, INSERT, UPDATE ON {schema}.schema_version, {schema}.studies, {schema}.trials, {schema}.intermediate, {schema}.study_settings, {schema}.study_queue, {schema}.space_migrations TO {role};
            """);
        try
        {
            var worker = new Npgsql.NpgsqlConnectionStringBuilder(Connection) { Username = role, Password = "worker-pw" }.ConnectionString;
            var result = Sweep.Run<Knobs>(t => { t.Report(0, 1.0); return t.Parameters.Lr; }, Knobs.DefaultSweepOptions with { Storage = worker, StudyName = "rights", Trials = 3 });
            Assert.Equal(3, result.Trials.Count(t => t.State == TrialState.Complete));
            // The worker may not create tables: the schema really was the administrator's.
            Assert.ThrowsAny<Npgsql.PostgresException>(() => PostgresServer.Exec(worker, $"CREATE TABLE {schema}.x (a int)"));
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            PostgresServer.Exec(Connection, $"DROP OWNED BY {role}; DROP ROLE {role};");
        }
    }
}
