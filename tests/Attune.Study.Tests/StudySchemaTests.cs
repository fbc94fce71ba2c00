using Attune;
using Attune.Search;
using Microsoft.Data.Sqlite;

namespace Attune.Study.Tests;

/// <summary>The space of the version-1 fixture (Fixtures/study-v1.db, written by Attune at commit 83ec6eb, schema 1).</summary>
public sealed record V1Space(double X, int N) : ITuneSpace<V1Space>
{
    public static SearchSpace Space { get; } = new("S",
    [
        new ParameterSpec("X", ParameterKind.Float, 0, 1),
        new ParameterSpec("N", ParameterKind.Int, 1, 10, Step: 1),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 3, StudyName = "v1-study" };

    public static V1Space Decode(IReadOnlyList<double> values) => new(values[0], (int)values[1]);

    public double[] Encode() => [X, N];
}

/// <summary>
/// Schema version 2: why a trial failed and which trial a rerun reruns are columns, not words in the error or equal
/// parameters; files of version 1 are migrated in place when opened (a real version-1 file, written by the previous
/// Attune, is the fixture); and the study API (list, load typed, delete).
/// </summary>
public sealed class StudySchemaTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private string CopyOfV1File()
    {
        string file = dir.File("study-v1.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "study-v1.db"), file);
        return file;
    }

    private static string Scalar(string file, string sql)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    [Fact]
    public void A_version_1_file_is_migrated_in_place_with_failure_kinds_and_reruns_read_from_what_version_1_wrote()
    {
        string file = CopyOfV1File();
        Assert.Equal("1", Scalar(file, "SELECT version FROM schema_version"));
        string valuesBefore = Scalar(file, "SELECT group_concat(number || '=' || values_json || '=' || IFNULL(value, ''), ';') FROM (SELECT * FROM trials ORDER BY study_id, number)");

        var study = Studies.Load<V1Space>(V1Space.DefaultSweepOptions with { Storage = file })!;

        Assert.Equal("4", Scalar(file, "SELECT version FROM schema_version"));   // 1 → 2 → 3 → 4 in one open
        Assert.Equal(valuesBefore, Scalar(file, "SELECT group_concat(number || '=' || values_json || '=' || IFNULL(value, ''), ';') FROM (SELECT * FROM trials ORDER BY study_id, number)"));
        Assert.Equal("10", Scalar(file, "SELECT COUNT(*) FROM intermediate"));
        Assert.Equal(Enumerable.Range(0, 10), study.Trials.Select(t => t.Number));
        Assert.Equal(TrialFailure.Error, study.Trials[2].Failure);              // "System.InvalidOperationException: boom in trial 2"
        Assert.Equal(TrialFailure.Abandoned, study.Trials[6].Failure);          // "abandoned: the process running it stopped"
        Assert.Equal(6, study.Trials[7].RetryOf);                               // version 1's rerun: same values, later
        Assert.Equal(TrialFailure.Cancelled, study.Trials[9].Failure);          // "cancelled: ..."
        Assert.All(study.Trials.Where(t => t.State != TrialState.Failed), t => Assert.Null(t.Failure));
        Assert.Equal(new V1Space(0.123, 4), study.Trials[7].Parameters);

        // The migrated study resumes: numbering goes on, and trial 6 is not rerun a second time.
        var resumed = Sweep.Run<V1Space>(t => t.Parameters.X, V1Space.DefaultSweepOptions with { Storage = file, Trials = 9, RetryAbandoned = true });
        Assert.Equal(9, resumed.Trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned));
        Assert.Equal(Enumerable.Range(0, 12), resumed.Trials.Select(t => t.Number));
        Assert.DoesNotContain(resumed.Trials, t => t.Number >= 10 && t.RetryOf is not null);
    }

    [Fact]
    public void Every_way_a_trial_fails_is_stored_as_its_kind_and_read_back_from_the_file()
    {
        string file = dir.File("kinds.db");
        using (var cts = new CancellationTokenSource())
            Sweep.Run<Knobs>(t =>
            {
                if (t.Number == 0) throw new InvalidOperationException("boom");
                if (t.Number == 1) return double.PositiveInfinity;
                if (t.Number == 2) Task.Delay(Timeout.Infinite, t.CancellationToken).Wait();      // past TrialTimeout
                if (t.Number == 4) { cts.Cancel(); t.CancellationToken.ThrowIfCancellationRequested(); }
                return t.Parameters.Lr;
            }, Knobs.DefaultSweepOptions with { Storage = file, Trials = 10, TrialTimeout = TimeSpan.FromSeconds(0.3), MaxFailedTrials = -1 }, cancellationToken: cts.Token);

        var trials = Studies.Load<Knobs>(Knobs.DefaultSweepOptions with { Storage = file })!.Trials;
        Assert.Equal([TrialFailure.Error, TrialFailure.Error, TrialFailure.Timeout, null, TrialFailure.Cancelled], trials.Select(t => t.Failure));
        Assert.Equal("Error|Error|Timeout|Cancelled", Scalar(file, "SELECT group_concat(failure, '|') FROM (SELECT failure FROM trials WHERE failure IS NOT NULL ORDER BY number)"));
    }

    [Fact]
    public void Studies_are_listed_loaded_typed_and_deleted_without_running_a_sweep()
    {
        string file = Path.Combine(dir.Path, "nested", "studies.db");
        Assert.Empty(Studies.List(file));
        Assert.Null(Studies.Load<Knobs>(Knobs.DefaultSweepOptions with { Storage = file }));
        Assert.False(Studies.Delete(file, "Knobs"));
        Assert.False(File.Exists(file));                                          // reading never creates the file

        Sweep.Run<Knobs>(t => t.Number == 1 ? throw new InvalidOperationException("boom") : t.Parameters.Lr, Knobs.DefaultSweepOptions with { Storage = file, Trials = 3 });
        Sweep.Run<WorkerSpace>(t => t.Parameters.X, WorkerSpace.DefaultSweepOptions with { Storage = file, Trials = 2, StudyName = "other" });

        var list = Studies.List(file);
        Assert.Equal(["Knobs", "other"], list.Select(s => s.Name));
        var knobs = list[0];
        Assert.Equal((3, 0, 1, 0, 4), (knobs.Complete, knobs.Pruned, knobs.Failed, knobs.Running, knobs.Trials));
        var loaded = Studies.Load<Knobs>(Knobs.DefaultSweepOptions with { Storage = file })!;
        Assert.Equal(loaded.Best.Value, knobs.BestValue);
        Assert.Equal(loaded.Best.Number, knobs.BestTrial);
        Assert.StartsWith("Knobs: 4 trials (3 complete, 0 pruned, 1 failed, 0 running), minimize, best ", knobs.ToString());
        Assert.IsType<Knobs>(loaded.Trials[0].Parameters);

        // Another space under that name: refused as a sweep would refuse it.
        Assert.Throws<SpaceChangedException>(() => Studies.Load<KnobsEdited>(KnobsEdited.DefaultSweepOptions with { Storage = file }));

        Assert.True(Studies.Delete(file, "Knobs"));
        Assert.Equal(["other"], Studies.List(file).Select(s => s.Name));
        Assert.Equal(2, Studies.Load<WorkerSpace>(WorkerSpace.DefaultSweepOptions with { Storage = file, StudyName = "other" })!.Trials.Count);
    }
}

/// <summary>The same on PostgreSQL: a schema of version 1 (the previous Attune's DDL) migrated in place, or refused
/// clearly to a worker that may not ALTER it; studies listed.</summary>
public sealed class PostgresStudySchemaTests : IDisposable
{
    /// <summary>The DDL of schema version 1, as Attune at commit 83ec6eb created it.</summary>
    private const string Version1Sql = """
        CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
        CREATE TABLE IF NOT EXISTS studies (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name text NOT NULL UNIQUE,
            fingerprint text NOT NULL,
            space_text text NOT NULL,
            direction text NOT NULL,
            created timestamptz NOT NULL,
            trial_count integer NOT NULL DEFAULT 0,
            last_seq bigint NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS trials (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            study_id bigint NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            number integer NOT NULL,
            state text NOT NULL,
            value double precision,
            params_json json NOT NULL,
            values_json text NOT NULL,
            error text,
            started timestamptz NOT NULL,
            finished timestamptz,
            heartbeat timestamptz NOT NULL,
            worker text,
            updated_seq bigint NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS trials_study_number ON trials(study_id, number);
        CREATE INDEX IF NOT EXISTS trials_study_seq ON trials(study_id, updated_seq);
        CREATE INDEX IF NOT EXISTS trials_study_running ON trials(study_id, heartbeat) WHERE state = 'Running';
        CREATE TABLE IF NOT EXISTS intermediate (
            trial_id bigint NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
            step integer NOT NULL,
            value double precision,
            PRIMARY KEY (trial_id, step));
        INSERT INTO schema_version(version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
        """;

    private string? schema;
    private string? created;

    // Made on first use, inside the test: without a server the test is skipped (failed under CI), as the others are.
    private string connection => created ??= PostgresServer.NewSchema(out schema);

    public void Dispose()
    {
        if (schema is not null) PostgresServer.Drop(schema);
    }

    private void WriteVersion1Study()
    {
        PostgresServer.Exec(connection, Version1Sql);
        PostgresServer.Exec(connection, """
            INSERT INTO studies(id, name, fingerprint, space_text, direction, created, trial_count, last_seq) OVERRIDING SYSTEM VALUE
                VALUES (1, 'v1-study', '@F', '@T', 'Minimize', now(), 4, 4);
            INSERT INTO trials(study_id, number, state, value, params_json, values_json, error, started, finished, heartbeat, worker, updated_seq) VALUES
                (1, 0, 'Complete', 1.5, '{"X":0.5,"N":1}', '[0.5,1]', NULL, now(), now(), now(), 'h:1', 1),
                (1, 1, 'Failed', NULL, '{"X":0.25,"N":2}', '[0.25,2]', 'abandoned: the process running it stopped', now(), now(), now(), 'h:1', 2),
                (1, 2, 'Complete', 2.25, '{"X":0.25,"N":2}', '[0.25,2]', NULL, now(), now(), now(), 'h:2', 3),
                (1, 3, 'Failed', NULL, '{"X":0.75,"N":3}', '[0.75,3]', 'System.Exception: boom', now(), now(), now(), 'h:2', 4);
            """.Replace("@F", V1Space.Space.Fingerprint).Replace("@T", StudyCodec.SpaceText(V1Space.Space)));
    }

    [SkippableFact]
    public void A_version_1_schema_is_migrated_in_place_and_studies_are_listed()
    {
        WriteVersion1Study();
        var study = Studies.Load<V1Space>(V1Space.DefaultSweepOptions with { Storage = connection })!;
        Assert.Equal(4, PostgresServer.Scalar(connection, "SELECT version FROM schema_version"));
        Assert.Equal([null, TrialFailure.Abandoned, null, TrialFailure.Error], study.Trials.Select(t => t.Failure));
        Assert.Equal(1, study.Trials[2].RetryOf);
        var summary = Assert.Single(Studies.List(connection));
        Assert.Equal(("v1-study", 2, 2, 1.5, 0), (summary.Name, summary.Complete, summary.Failed, summary.BestValue!.Value, summary.BestTrial!.Value));
    }

    [SkippableFact]
    public void A_worker_that_may_not_alter_a_version_1_schema_is_told_what_to_ask_for_and_nothing_changes()
    {
        WriteVersion1Study();
        string role = "attune_ro_" + Guid.NewGuid().ToString("N")[..8];
        PostgresServer.Exec(connection, $"CREATE ROLE {role} LOGIN PASSWORD 'worker-pw'; GRANT USAGE ON SCHEMA {schema} TO {role}; " +
            $"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role};");
        try
        {
            var worker = new Npgsql.NpgsqlConnectionStringBuilder(connection) { Username = role, Password = "worker-pw" }.ConnectionString;
            var e = Assert.Throws<InvalidOperationException>(() => Studies.List(worker));
            Assert.Contains("holds studies in schema version 1; this version of Attune reads version 4 and this user may not migrate the tables", e.Message);
            Assert.Contains("Ask an administrator to run PostgresStudyStorage.MigrateVersion1Sql, MigrateVersion2Sql and then MigrateVersion3Sql once", e.Message);
            Assert.Equal(1, PostgresServer.Scalar(connection, "SELECT version FROM schema_version"));
        }
        finally { PostgresServer.Exec(connection, $"DROP OWNED BY {role}; DROP ROLE {role};"); }
    }
}

/// <summary>Schema version 4: each trial's objectives and constraints; a version-3 file gains the columns in place.</summary>
public sealed class ObjectiveColumnsMigrationTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static void Exec(string file, string sql)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Scalar(string file, string sql)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    [Fact]
    public void A_version_3_file_gains_the_objective_columns_in_place_and_keeps_its_trials()
    {
        string file = dir.File("v3.db");
        using (var storage = new SqliteStudyStorage(file))
        {
            var study = storage.OpenStudy("old", Knobs.Space, Direction.Minimize);
            var t = storage.CreateTrial(study.Id, _ => [0.001, 3, 2, 1]);
            storage.FinishTrial(new TrialOutcome(t.Id, TrialState.Complete, 0.25, null));
        }
        // What version 3 wrote: the same tables without the two columns.
        Exec(file, "ALTER TABLE trials DROP COLUMN objective_values; ALTER TABLE trials DROP COLUMN constraint_values; UPDATE schema_version SET version = 3;");
        Assert.Equal("0", Scalar(file, "SELECT COUNT(*) FROM pragma_table_info('trials') WHERE name LIKE '%_values' AND name <> 'values_json'"));

        using (var storage = new SqliteStudyStorage(file))
        {
            Assert.Equal("4", Scalar(file, "SELECT version FROM schema_version"));
            var study = storage.OpenStudy("old", Knobs.Space, Direction.Minimize);
            var old = Assert.Single(storage.GetTrialsChangedSince(study.Id, 0).Trials);
            Assert.Equal(0.25, old.Value);
            Assert.Null(old.Objectives);
            var t = storage.CreateTrial(study.Id, _ => [0.01, 4, 0, 0]);
            storage.FinishTrial(new TrialOutcome(t.Id, TrialState.Complete, 0.5, null) { Objectives = [0.5, 7], Constraints = [-1] });
        }
        Assert.Equal("[0.5,7]|[-1]", Scalar(file, "SELECT objective_values || '|' || constraint_values FROM trials WHERE number = 1"));
    }
}
