using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Attune.Search;

/// <summary>
/// Studies in a SQLite file (the default storage, "attune-studies.db" in the working directory). Safe for several
/// threads and several processes on one machine: WAL journal, a busy timeout, and every write in a
/// <c>BEGIN IMMEDIATE</c> transaction (trial numbers are assigned inside it, so they are unique). Plain tables other
/// tools can read: <c>studies</c>, <c>trials</c> (parameters as natural JSON in <c>params_json</c>) and
/// <c>intermediate</c>.
/// </summary>
public sealed partial class SqliteStudyStorage : IStudyStorage
{
    /// <summary>The schema this version reads and writes; a file with a newer one is refused.</summary>
    internal const int SchemaVersion = 4;

    private const string TrialColumns = "id, number, state, value, values_json, started, finished, heartbeat, error, updated_seq, failure, retry_of, copied_from, objective_values, constraint_values";

    private readonly string connectionString;
    // Writes from this process go through one connection, one at a time: threads queue on this lock instead of
    // spinning in SQLite's busy handler. Other processes are kept out by BEGIN IMMEDIATE and the busy timeout.
    private readonly object writeGate = new();
    private readonly Session writer;
    private readonly ConcurrentBag<Session> readers = new();
    private readonly ConcurrentDictionary<long, SearchSpace> spaces = new();
    private readonly List<Session> all = new();
    private bool disposed;

    /// <summary>Opens (creating if needed) the SQLite file at <paramref name="path"/>.</summary>
    public SqliteStudyStorage(string path) : this(new SqliteConnectionStringBuilder { DataSource = path }, null) { }

    private SqliteStudyStorage(SqliteConnectionStringBuilder builder, int? lockSeconds)
    {
        this.lockSeconds = lockSeconds ?? DefaultLockSeconds;
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
            throw new ArgumentException("A SQLite study storage needs a file (Data Source=<path>); use \":memory:\" storage (InMemoryStudyStorage) for studies kept in memory.");
        string file = Path.GetFullPath(builder.DataSource);
        builder.DataSource = file;
        builder.Pooling = false;          // this class keeps its own connections (and files can be deleted after Dispose)
        builder.DefaultTimeout = this.lockSeconds;   // seconds a statement may wait for another process's write lock
        connectionString = builder.ToString();
        Location = $"SQLite file '{file}'";
        FilePath = file;
        try
        {
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate) Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Could not create the folder '{Path.GetDirectoryName(file)}' for {Location}: {e.Message} Point SweepOptions.Storage at a path in a writable folder.", e);
        }
        try
        {
            writer = Open();
            InitializeSchema();
        }
        catch (Exception e)
        {
            Dispose();
            if (e is SqliteException sqlite && SqliteErrors.Explains(sqlite)) throw Explain(sqlite);
            throw;
        }
    }

    /// <summary>Seconds a statement waits for another process's write lock, unless the connection string gives a
    /// <c>Default Timeout</c>.</summary>
    private const int DefaultLockSeconds = 60;
    private readonly int lockSeconds;

    private Exception Explain(SqliteException e) => SqliteErrors.Explain(e, Location, FilePath, lockSeconds);

    /// <summary>Opens a SQLite storage from a connection string ("Data Source=path;..."); the string itself never
    /// appears in messages.</summary>
    public static SqliteStudyStorage FromConnectionString(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try { builder = new SqliteConnectionStringBuilder(connectionString); }
        catch (ArgumentException) { throw new ArgumentException("The SQLite connection string could not be read (its text is not shown: it may hold a password). Expected \"Data Source=<path>[;key=value...]\"."); }
        // The builder reports its default for a key the text does not hold: ask the text itself.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool timeoutGiven = given.ContainsKey("Default Timeout") || given.ContainsKey("Command Timeout");
        return new SqliteStudyStorage(builder, timeoutGiven ? builder.DefaultTimeout : null);
    }

    public string Location { get; }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    private Session Open()
    {
        var session = new Session(connectionString, lockSeconds);
        lock (all) all.Add(session);
        return session;
    }

    private void InitializeSchema()
    {
        lock (writeGate)
        {
            var c = writer.Connection;
            // Before anything is written (even the journal mode, which is stored in the file's header): a file another
            // tool made is refused as it is.
            RefuseForeignTables(c);
            Exec(c, "PRAGMA journal_mode=WAL;");
            InTransaction(() =>
            {
                Exec(c, """
                    CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS studies (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        fingerprint TEXT NOT NULL,
                        space_text TEXT NOT NULL,
                        direction TEXT NOT NULL,
                        created TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS trials (
                        id INTEGER PRIMARY KEY,
                        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                        number INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        value REAL,
                        params_json TEXT NOT NULL,
                        values_json TEXT NOT NULL,
                        error TEXT,
                        started TEXT NOT NULL,
                        finished TEXT,
                        heartbeat TEXT NOT NULL,
                        worker TEXT,
                        updated_seq INTEGER NOT NULL,
                        failure TEXT,
                        retry_of INTEGER);
                    CREATE UNIQUE INDEX IF NOT EXISTS trials_study_number ON trials(study_id, number);
                    CREATE INDEX IF NOT EXISTS trials_study_seq ON trials(study_id, updated_seq);
                    CREATE INDEX IF NOT EXISTS trials_study_state ON trials(study_id, state);
                    CREATE TABLE IF NOT EXISTS intermediate (
                        trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                        step INTEGER NOT NULL,
                        value REAL,
                        PRIMARY KEY (trial_id, step)) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS study_settings (
                        study_id INTEGER PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
                        settings TEXT NOT NULL);
                    """);
                AddObjectiveColumns(c);
                using var read = c.CreateCommand();
                read.CommandText = "SELECT MAX(version) FROM schema_version;";
                object? found = read.ExecuteScalar();
                if (found is null or DBNull || Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) <= SchemaVersion) CreateEvolutionSchema(c);
                if (found is null or DBNull) Exec(c, $"INSERT INTO schema_version(version) VALUES ({SchemaVersion});");
                else if (Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) > SchemaVersion)
                    throw new NotSupportedException($"{Location} holds studies in schema version {found}, written by a newer Attune; this version reads version {SchemaVersion}. Update Attune or use another file.");
                else if (Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) < SchemaVersion)
                {
                    if (Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture) == 1) MigrateFromVersion1(c);
                    // Version 2 to 3 only adds study_settings, which the script above has just created; 3 to 4 adds the
                    // queue, migrations and copied_from (CreateEvolutionSchema) and the objective columns
                    // (AddObjectiveColumns), both run above.
                    Exec(c, $"UPDATE schema_version SET version = {SchemaVersion};");
                }
                return 0;
            });
        }
    }

    /// <summary>
    /// Schema version 4 (several objectives): the trials' <c>objective_values</c> and <c>constraint_values</c>, JSON
    /// arrays in the score type's order (null for a plain objective, whose <c>value</c> says it all; <c>value</c> stays the
    /// first objective, so tools that read only it keep working). Added in place to a file of an earlier version, inside
    /// the schema transaction, and to a new file alike: the columns are looked up, not assumed from the version.
    /// </summary>
    private static void AddObjectiveColumns(SqliteConnection c)
    {
        var columns = new HashSet<string>(StringComparer.Ordinal);
        using (var info = c.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('trials');";
            using var r = info.ExecuteReader();
            while (r.Read()) columns.Add(r.GetString(0));
        }
        if (!columns.Contains("objective_values")) Exec(c, "ALTER TABLE trials ADD COLUMN objective_values TEXT;");
        if (!columns.Contains("constraint_values")) Exec(c, "ALTER TABLE trials ADD COLUMN constraint_values TEXT;");
    }

    /// <summary>
    /// Version 1 to 2, in place, inside the schema transaction (another process opening the file waits for it): the
    /// trials get <c>failure</c> and <c>retry_of</c> columns, filled from what version 1 could only say in words — the
    /// error's prefix ("abandoned:", "cancelled:", "timeout:"; any other failure is an Error) and, for a rerun, the
    /// earlier abandoned trial with exactly the same values (how version 1 recognised reruns).
    /// </summary>
    private static void MigrateFromVersion1(SqliteConnection c)
    {
        Exec(c, $"""
            ALTER TABLE trials ADD COLUMN failure TEXT;
            ALTER TABLE trials ADD COLUMN retry_of INTEGER;
            {StudyCodec.FailureFromErrorSql}
            UPDATE trials SET retry_of = (SELECT MIN(a.number) FROM trials a WHERE a.study_id = trials.study_id AND a.failure = 'Abandoned'
                                          AND a.values_json = trials.values_json AND a.number < trials.number)
            WHERE EXISTS (SELECT 1 FROM trials a WHERE a.study_id = trials.study_id AND a.failure = 'Abandoned'
                          AND a.values_json = trials.values_json AND a.number < trials.number);
            UPDATE schema_version SET version = 2;
            """);
    }

    /// <summary>The columns Attune reads from its tables: a table of the same name without them is another tool's.</summary>
    private static readonly (string Table, string[] Columns)[] OwnTables =
    {
        ("studies", new[] { "id", "name", "fingerprint", "space_text", "direction", "created" }),
        ("trials", new[] { "id", "study_id", "number", "state", "value", "params_json", "values_json", "error", "started", "finished", "heartbeat", "worker", "updated_seq" }),
        ("intermediate", new[] { "trial_id", "step", "value" }),
    };

    /// <summary>
    /// Refuses a file that holds tables named as Attune's but not made by Attune (Optuna's RDB storage, for one, has
    /// 'studies' and 'trials'): without this, Attune would add its own tables beside them and then fail on a missing
    /// column, having written into another program's file.
    /// </summary>
    private void RefuseForeignTables(SqliteConnection c)
    {
        var tables = new List<string>();
        using (var list = c.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name;";
            using var r = list.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        var problems = new List<string>();
        bool versioned = tables.Contains("schema_version");
        foreach (var (table, columns) in OwnTables)
        {
            if (!tables.Contains(table)) continue;
            var found = new List<string>();
            using (var info = c.CreateCommand())
            {
                info.CommandText = $"PRAGMA table_info(\"{table}\");";
                using var r = info.ExecuteReader();
                while (r.Read()) found.Add(r.GetString(1));
            }
            var missing = columns.Where(col => !found.Contains(col)).ToList();
            if (missing.Count > 0 || !versioned)
                problems.Add($"'{table}' (columns {string.Join(", ", found)}{(missing.Count > 0 ? $"; Attune's has {string.Join(", ", missing)} too" : "")})");
        }
        if (problems.Count == 0) return;
        string suggestion = Path.Combine(Path.GetDirectoryName(FilePath)!, Path.GetFileNameWithoutExtension(FilePath) + ".attune.db");
        throw new InvalidOperationException(
            $"{Location} already holds tables that Attune did not create: {string.Join(", ", problems)}" +
            (versioned ? "" : ", and no Attune schema_version table") + ". They belong to another tool (Optuna's storage uses tables named 'studies' and 'trials' too). " +
            $"Attune wrote nothing to the file. Give the sweep a file of its own, e.g. SweepOptions.Storage = \"{suggestion}\".");
    }

    public StudyInfo OpenStudy(string name, SearchSpace space, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(space);
        if (direction is not (Direction.Maximize or Direction.Minimize)) throw new ArgumentException($"A study's direction is Maximize or Minimize, not {direction}.", nameof(direction));
        StudyInfo info;
        lock (writeGate)
        {
            info = InTransaction(() =>
            {
                var found = FindStudy(writer, name);
                if (found is not null) return found;
                var cmd = writer.Command("INSERT INTO studies(name, fingerprint, space_text, direction, created) VALUES ($name, $fp, $space, $dir, $created) RETURNING id;");
                var created = DateTimeOffset.UtcNow;
                Set(cmd, "$name", name); Set(cmd, "$fp", space.Fingerprint); Set(cmd, "$space", StudyCodec.SpaceText(space));
                Set(cmd, "$dir", direction.ToString()); Set(cmd, "$created", StudyCodec.Time(created));
                long id = (long)cmd.ExecuteScalar()!;
                return new StudyInfo(id, name, space.Fingerprint, StudyCodec.SpaceText(space), direction, StudyCodec.ParseTime(StudyCodec.Time(created)));
            });
        }
        StudyCodec.CheckCompatible(info, space, direction, Location);
        spaces[info.Id] = space;
        return info;
    }

    public StudyInfo? FindStudy(string name)
    {
        var s = RentReader();
        try { return FindStudy(s, name); }
        catch (SqliteException e) when (SqliteErrors.Explains(e)) { throw Explain(e); }
        finally { readers.Add(s); }
    }

    public IReadOnlyList<StudyInfo> ListStudies()
    {
        var s = RentReader();
        try
        {
            var cmd = s.Command("SELECT id, name, fingerprint, space_text, direction, created FROM studies ORDER BY name;");
            var list = new List<StudyInfo>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(ReadStudy(r));
            return list;
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e)) { throw Explain(e); }
        finally { readers.Add(s); }
    }

    private static StudyInfo ReadStudy(SqliteDataReader r)
        => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<Direction>(r.GetString(4)), StudyCodec.ParseTime(r.GetString(5)));

    private static StudyInfo? FindStudy(Session s, string name)
    {
        var cmd = s.Command("SELECT id, name, fingerprint, space_text, direction, created FROM studies WHERE name = $name;");
        Set(cmd, "$name", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadStudy(r) : null;
    }

    public string? RecordSettings(long studyId, string settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var insert = writer.Command("INSERT INTO study_settings(study_id, settings) VALUES ($id, $settings) ON CONFLICT(study_id) DO NOTHING;");
                Set(insert, "$id", studyId); Set(insert, "$settings", settings);
                insert.ExecuteNonQuery();
                var read = writer.Command("SELECT settings FROM study_settings WHERE study_id = $id;");
                Set(read, "$id", studyId);
                return read.ExecuteScalar() as string;
            });
        }
    }

    public string? ReadSettings(long studyId)
    {
        lock (writeGate)
        {
            var read = writer.Command("SELECT settings FROM study_settings WHERE study_id = $id;");
            Set(read, "$id", studyId);
            return read.ExecuteScalar() as string;
        }
    }

    public bool DeleteStudy(string name)
    {
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var found = FindStudy(writer, name);
                if (found is null) return false;
                foreach (var sql in new[]
                {
                    "DELETE FROM intermediate WHERE trial_id IN (SELECT id FROM trials WHERE study_id = $id);",
                    "DELETE FROM trials WHERE study_id = $id;",
                    "DELETE FROM study_settings WHERE study_id = $id;",
                    "DELETE FROM study_queue WHERE study_id = $id;",
                    "DELETE FROM space_migrations WHERE study_id = $id;",
                    "DELETE FROM studies WHERE id = $id;",
                })
                {
                    var cmd = writer.Command(sql);
                    Set(cmd, "$id", found.Id);
                    cmd.ExecuteNonQuery();
                }
                spaces.TryRemove(found.Id, out _);
                return true;
            });
        }
    }

    /// <summary>The next trial's number and sequence, and the study's fingerprint (one statement: a space migrated by
    /// another worker is caught without a round trip of its own).</summary>
    private const string NextNumberSql = "SELECT COALESCE(MAX(number), -1) + 1, (SELECT COALESCE(MAX(updated_seq), 0) + 1 FROM trials WHERE study_id = $s), " +
                                         "(SELECT fingerprint FROM studies WHERE id = $s) FROM trials WHERE study_id = $s;";

    public StoredTrial CreateTrial(long studyId, Func<int, double[]> sample)
    {
        var space = SpaceOf(studyId);
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var next = writer.Command(NextNumberSql);
                Set(next, "$s", studyId);
                int number; long seq; string? fingerprint;
                using (var r = next.ExecuteReader()) { r.Read(); number = r.GetInt32(0); seq = r.GetInt64(1); fingerprint = r.IsDBNull(2) ? null : r.GetString(2); }
                if (fingerprint != space.Fingerprint && MigratedAway(studyId, space) is { } migrated) throw migrated;
                return Insert(space, studyId, number, seq, new NewTrial(sample(number)));
            });
        }
    }

    /// <summary>One BEGIN IMMEDIATE transaction (one commit instead of two): store the finished trial, read the changes
    /// on the writer connection, decide and sample, insert. The file's write lock is held while the sampler runs, as in
    /// <see cref="CreateTrial"/>; on one machine that costs microseconds, not round trips. An exception from
    /// <paramref name="decide"/> still commits the finish, then is rethrown.</summary>
    public StoredTrial? FinishAndCreate(long studyId, TrialOutcome? finish, long afterSeq, Func<int, TrialChanges, NewTrial?> decide)
    {
        var space = SpaceOf(studyId);
        if (finish is { State: TrialState.Running }) throw new ArgumentException("A trial finishes as Complete, Pruned or Failed.", nameof(finish));
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failed = null;
        StoredTrial? created;
        lock (writeGate)
        {
            created = InTransaction(() =>
            {
                if (finish is { } f) Finish(f);
                var next = writer.Command(NextNumberSql);
                Set(next, "$s", studyId);
                int number; long seq; string? fingerprint;
                using (var r = next.ExecuteReader()) { r.Read(); number = r.GetInt32(0); seq = r.GetInt64(1); fingerprint = r.IsDBNull(2) ? null : r.GetString(2); }
                // Another worker migrated the study's space: this one's values are in the old layout. Its result is
                // stored (above); it creates nothing more.
                if (fingerprint != space.Fingerprint && MigratedAway(studyId, space) is { } migrated)
                {
                    failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(migrated);
                    return null;
                }
                NewTrial? wanted;
                try { wanted = decide(number, ReadChanges(writer, studyId, afterSeq) with { Queued = NextQueued(studyId) }); }
                catch (Exception e)
                {
                    failed = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                    return null;
                }
                return wanted is null ? null : Insert(space, studyId, number, seq, wanted);
            });
        }
        failed?.Throw();
        return created;
    }

    private StoredTrial Insert(SearchSpace space, long studyId, int number, long seq, NewTrial trial)
    {
        var values = trial.Values;
        var now = DateTimeOffset.UtcNow;
        string time = StudyCodec.Time(now);
        var insert = writer.Command("""
            INSERT INTO trials(study_id, number, state, value, params_json, values_json, error, started, finished, heartbeat, worker, updated_seq, retry_of)
            VALUES ($s, $n, 'Running', NULL, $params, $values, NULL, $t, NULL, $t, $w, $seq, $retry) RETURNING id;
            """);
        Set(insert, "$s", studyId); Set(insert, "$n", number); Set(insert, "$params", StudyCodec.ParamsJson(space, values));
        Set(insert, "$values", StudyCodec.ValuesJson(values)); Set(insert, "$t", time); Set(insert, "$w", WorkerName); Set(insert, "$seq", seq);
        Set(insert, "$retry", trial.RetryOf);
        long id = (long)insert.ExecuteScalar()!;
        if (trial.Queued is { } queued) Claim(studyId, queued, number);
        var at = StudyCodec.ParseTime(time);
        return new StoredTrial(id, number, TrialState.Running, (double[])values.Clone(), null, new Dictionary<int, double>(), at, null, at, null, seq) { RetryOf = trial.RetryOf };
    }

    public void ReportIntermediate(long trialId, int step, double value)
    {
        lock (writeGate)
        {
            InTransaction(() =>
            {
                var put = writer.Command("INSERT OR REPLACE INTO intermediate(trial_id, step, value) VALUES ($id, $step, $v);");
                Set(put, "$id", trialId); Set(put, "$step", step); Set(put, "$v", double.IsNaN(value) ? null : value);
                put.ExecuteNonQuery();
                var bump = writer.Command("UPDATE trials SET updated_seq = (SELECT MAX(updated_seq) + 1 FROM trials t WHERE t.study_id = trials.study_id) WHERE id = $id;");
                Set(bump, "$id", trialId);
                bump.ExecuteNonQuery();
                return 0;
            });
        }
    }

    public void Heartbeat(IReadOnlyCollection<long> trialIds)
    {
        if (trialIds.Count == 0) return;
        lock (writeGate)
        {
            InTransaction(() =>
            {
                var cmd = writer.Command("UPDATE trials SET heartbeat = $t WHERE id = $id AND state = 'Running';");
                Set(cmd, "$t", StudyCodec.Time(DateTimeOffset.UtcNow));
                foreach (long id in trialIds) { Set(cmd, "$id", id); cmd.ExecuteNonQuery(); }
                return 0;
            });
        }
    }

    public void FinishTrial(TrialOutcome outcome)
    {
        if (outcome.State == TrialState.Running) throw new ArgumentException("A trial finishes as Complete, Pruned or Failed.", nameof(outcome));
        lock (writeGate) InTransaction(() => { Finish(outcome); return 0; });
    }

    private void Finish(TrialOutcome f)
    {
        var cmd = writer.Command("""
            UPDATE trials SET state = $state, value = $v, error = $e, failure = $kind, finished = $t, started = COALESCE($started, started),
                objective_values = $objectives, constraint_values = $constraints,
                updated_seq = (SELECT MAX(updated_seq) + 1 FROM trials t WHERE t.study_id = trials.study_id)
            WHERE id = $id;
            """);
        Set(cmd, "$state", f.State.ToString()); Set(cmd, "$v", f.Value is { } v && double.IsFinite(v) ? v : null);
        Set(cmd, "$e", f.Error); Set(cmd, "$t", StudyCodec.Time(f.Finished ?? DateTimeOffset.UtcNow)); Set(cmd, "$id", f.TrialId);
        Set(cmd, "$started", f.Started is { } s ? StudyCodec.Time(s) : null);
        Set(cmd, "$kind", f.StoredFailure?.ToString());
        Set(cmd, "$objectives", f.Objectives is { } o ? StudyCodec.ValuesJson(o) : null);
        Set(cmd, "$constraints", f.Constraints is { } k ? StudyCodec.ValuesJson(k) : null);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<int> FailStaleTrials(long studyId, DateTimeOffset olderThan, string error)
    {
        var find = "SELECT id, number FROM trials WHERE study_id = $s AND state = 'Running' AND heartbeat < $cutoff ORDER BY number;";
        return FailRunning(find, cmd => { Set(cmd, "$s", studyId); Set(cmd, "$cutoff", StudyCodec.Time(olderThan)); }, _ => true, error);
    }

    public IReadOnlyList<int> FailTrials(long studyId, IReadOnlyCollection<long> trialIds, string error)
    {
        if (trialIds.Count == 0) return Array.Empty<int>();
        var find = "SELECT id, number FROM trials WHERE study_id = $s AND state = 'Running' ORDER BY number;";
        var ids = new HashSet<long>(trialIds);
        return FailRunning(find, cmd => Set(cmd, "$s", studyId), ids.Contains, error);
    }

    /// <summary>In one transaction: finds Running trials with <paramref name="findSql"/>, keeps those <paramref name="which"/>
    /// accepts, and marks them Failed with <paramref name="error"/>; returns their numbers.</summary>
    private IReadOnlyList<int> FailRunning(string findSql, Action<SqliteCommand> bind, Func<long, bool> which, string error)
    {
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var find = writer.Command(findSql);
                bind(find);
                var stale = new List<(long Id, int Number)>();
                using (var r = find.ExecuteReader()) while (r.Read()) if (which(r.GetInt64(0))) stale.Add((r.GetInt64(0), r.GetInt32(1)));
                var fail = writer.Command("""
                    UPDATE trials SET state = 'Failed', error = $e, failure = 'Abandoned', finished = $t,
                        updated_seq = (SELECT MAX(updated_seq) + 1 FROM trials t WHERE t.study_id = trials.study_id)
                    WHERE id = $id AND state = 'Running';
                    """);
                Set(fail, "$e", error); Set(fail, "$t", StudyCodec.Time(DateTimeOffset.UtcNow));
                foreach (var (id, _) in stale) { Set(fail, "$id", id); fail.ExecuteNonQuery(); }
                return (IReadOnlyList<int>)stale.ConvertAll(s => s.Number);
            });
        }
    }

    public IReadOnlyList<RunningTrial> RunningTrials(long studyId)
    {
        var s = RentReader();
        try
        {
            var cmd = s.Command("SELECT id, number, heartbeat, worker FROM trials WHERE study_id = $s AND state = 'Running' ORDER BY number;");
            Set(cmd, "$s", studyId);
            var list = new List<RunningTrial>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(new RunningTrial(r.GetInt64(0), r.GetInt32(1), StudyCodec.ParseTime(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3)));
            return list;
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e)) { throw Explain(e); }
        finally { readers.Add(s); }
    }

    public TrialChanges GetTrialsChangedSince(long studyId, long afterSeq)
    {
        var s = RentReader();
        try
        {
            // One read transaction: the trials and their intermediate values come from the same snapshot.
            Exec(s.Connection, "BEGIN;");
            try { return ReadChanges(s, studyId, afterSeq); }
            finally { Exec(s.Connection, "COMMIT;"); }
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e))
        {
            throw Explain(e);
        }
        finally { readers.Add(s); }
    }

    /// <summary>The trials changed after <paramref name="afterSeq"/>, read on <paramref name="s"/> inside a transaction
    /// the caller holds.</summary>
    private static TrialChanges ReadChanges(Session s, long studyId, long afterSeq)
    {
        var trials = s.Command($"SELECT {TrialColumns} FROM trials WHERE study_id = $s AND updated_seq > $seq ORDER BY updated_seq;");
        Set(trials, "$s", studyId); Set(trials, "$seq", afterSeq);
        var rows = new List<(long Id, int Number, TrialState State, double? Value, double[] Values, DateTimeOffset Started, DateTimeOffset? Finished, DateTimeOffset Heartbeat, string? Error, long Seq, TrialFailure? Failure, int? RetryOf, string? CopiedFrom, double[]? Objectives, double[]? Constraints)>();
        var intermediate = new Dictionary<long, Dictionary<int, double>>();
        using (var r = trials.ExecuteReader())
        {
            while (r.Read())
            {
                long id = r.GetInt64(0);
                rows.Add((id, r.GetInt32(1), Enum.Parse<TrialState>(r.GetString(2)), r.IsDBNull(3) ? null : r.GetDouble(3), StudyCodec.ParseValues(r.GetString(4)),
                    StudyCodec.ParseTime(r.GetString(5)), r.IsDBNull(6) ? null : StudyCodec.ParseTime(r.GetString(6)), StudyCodec.ParseTime(r.GetString(7)),
                    r.IsDBNull(8) ? null : r.GetString(8), r.GetInt64(9), r.IsDBNull(10) ? null : Enum.Parse<TrialFailure>(r.GetString(10)), r.IsDBNull(11) ? null : r.GetInt32(11),
                    r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : StudyCodec.ParseValues(r.GetString(13)), r.IsDBNull(14) ? null : StudyCodec.ParseValues(r.GetString(14))));
                intermediate[id] = new Dictionary<int, double>();
            }
        }
        if (rows.Count > 0)
        {
            var steps = s.Command("SELECT i.trial_id, i.step, i.value FROM trials t JOIN intermediate i ON i.trial_id = t.id WHERE t.study_id = $s AND t.updated_seq > $seq;");
            Set(steps, "$s", studyId); Set(steps, "$seq", afterSeq);
            using var r = steps.ExecuteReader();
            while (r.Read())
                if (intermediate.TryGetValue(r.GetInt64(0), out var d)) d[r.GetInt32(1)] = r.IsDBNull(2) ? double.NaN : r.GetDouble(2);
        }
        var result = rows.ConvertAll(t => new StoredTrial(t.Id, t.Number, t.State, t.Values, t.Value, intermediate[t.Id], t.Started, t.Finished, t.Heartbeat, t.Error, t.Seq)
            { Failure = t.Failure, RetryOf = t.RetryOf, CopiedFrom = t.CopiedFrom, Objectives = t.Objectives, Constraints = t.Constraints });
        return new TrialChanges(result, result.Count > 0 ? result[^1].UpdatedSeq : afterSeq);
    }

    public void Dispose()
    {
        lock (all)
        {
            if (disposed) return;
            disposed = true;
            foreach (var s in all) s.Dispose();
            all.Clear();
        }
    }

    /// <summary>Stored with each trial: "host:pid" for people, and a key that tells a later process of this machine
    /// whether this one is gone (<see cref="WorkerIdentity"/>).</summary>
    private static string WorkerName => WorkerIdentity.Current;

    private SearchSpace SpaceOf(long studyId)
        => spaces.TryGetValue(studyId, out var space) ? space : throw new InvalidOperationException($"Study {studyId} was not opened through this storage object; call OpenStudy first.");

    private Session RentReader()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return readers.TryTake(out var s) ? s : Open();
    }

    /// <summary>Runs <paramref name="body"/> in a BEGIN IMMEDIATE transaction on the writer (caller holds writeGate).</summary>
    private T InTransaction<T>(Func<T> body)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            Exec(writer.Connection, "BEGIN IMMEDIATE;");
            T result;
            try { result = body(); }
            catch
            {
                // A rollback that fails too (a damaged file) must not hide the first error.
                try { Exec(writer.Connection, "ROLLBACK;"); } catch (SqliteException) { }
                throw;
            }
            Exec(writer.Connection, "COMMIT;");
            return result;
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e))
        {
            throw Explain(e);
        }
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void Set(SqliteCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;

    /// <summary>One connection and its prepared statements (by SQL text).</summary>
    private sealed class Session : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

        public Session(string connectionString, int lockSeconds)
        {
            Connection = new SqliteConnection(connectionString);
            Connection.Open();
            Exec(Connection, $"PRAGMA busy_timeout = {lockSeconds * 1000}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        }

        public SqliteConnection Connection { get; }

        /// <summary>The prepared command for <paramref name="sql"/>, its parameters created from the $names in it.</summary>
        public SqliteCommand Command(string sql)
        {
            if (commands.TryGetValue(sql, out var cmd)) return cmd;
            cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-z]+"))
                if (!cmd.Parameters.Contains(m.Value)) cmd.Parameters.Add(new SqliteParameter(m.Value, DBNull.Value));
            cmd.Prepare();
            commands.Add(sql, cmd);
            return cmd;
        }

        public void Dispose()
        {
            foreach (var c in commands.Values) c.Dispose();
            commands.Clear();
            Connection.Dispose();
        }
    }
}
