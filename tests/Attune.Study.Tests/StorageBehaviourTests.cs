using Attune;

namespace Attune.Study.Tests;

/// <summary>The behaviour every study storage has; run against memory and a SQLite file.</summary>
public abstract class StorageBehaviourTests : IDisposable
{
    protected readonly TempDir Dir = new();
    protected abstract IStudyStorage Create();
    /// <summary>A second handle on the same studies (a second SQLite connection set; the same object in memory).</summary>
    protected abstract IStudyStorage Reopen(IStudyStorage first);

    public void Dispose() => Dir.Dispose();

    [Fact]
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

    [Fact]
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
        storage.FinishTrial(t0.Id, TrialState.Complete, 0.9, null);
        storage.FinishTrial(t1.Id, TrialState.Failed, null, "System.Exception: boom");

        using var other = Reopen(storage);
        var trials = Studies.Trials(other, "s");
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

    [Fact]
    public void Inactive_values_are_NaN_after_a_round_trip()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        storage.CreateTrial(study.Id, _ => [double.NaN, 1, 0, 0]);
        Assert.True(double.IsNaN(Studies.Trials(storage, "s")[0].Values[0]));
    }

    [Fact]
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

        storage.FinishTrial(t0.Id, TrialState.Complete, 1.0, null);
        var afterFinish = storage.GetTrialsChangedSince(study.Id, afterReport.LastSeq);
        Assert.Equal(0, Assert.Single(afterFinish.Trials).Number);
        Assert.True(afterFinish.LastSeq > afterReport.LastSeq);
    }

    [Fact]
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

    [Fact]
    public void A_sample_callback_that_throws_creates_nothing()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        Assert.Throws<InvalidOperationException>(() => storage.CreateTrial(study.Id, _ => throw new InvalidOperationException("no")));
        Assert.Equal(0, storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]).Number);
    }

    [Fact]
    public void Stale_running_trials_are_failed_and_finished_ones_left_alone()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var done = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        storage.FinishTrial(done.Id, TrialState.Complete, 1, null);
        storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        Assert.Empty(storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow.AddMinutes(-2), "abandoned"));
        Assert.Equal([1], storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow.AddSeconds(1), "abandoned"));
        var trials = Studies.Trials(storage, "s");
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal((TrialState.Failed, "abandoned"), (trials[1].State, trials[1].Error));
    }

    [Fact]
    public void Heartbeat_keeps_a_running_trial_fresh()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        Thread.Sleep(20);
        var before = DateTimeOffset.UtcNow;
        storage.Heartbeat([t.Id]);
        Assert.Empty(storage.FailStaleTrials(study.Id, before.AddMilliseconds(-5), "abandoned"));
        Assert.True(Studies.Trials(storage, "s")[0].Heartbeat >= before.AddMilliseconds(-5));
    }

    [Fact]
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

    [Fact]
    public void Another_direction_is_refused()
    {
        using var storage = Create();
        storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var e = Assert.Throws<InvalidOperationException>(() => storage.OpenStudy("s", Knobs.Space, Direction.Maximize));
        Assert.Contains("created to Minimize; this sweep asks to Maximize", e.Message);
    }

    [Fact]
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
        public void FinishTrial(long trialId, TrialState state, double? value, string? error) => inner.FinishTrial(trialId, state, value, error);
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

    [Fact]
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

    [Fact]
    public void The_file_uses_WAL_a_schema_version_and_indexes()
    {
        using (Create()) { }
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Dir.File("studies.db")};Pooling=False");
        c.Open();
        string Scalar(string sql) { using var cmd = c.CreateCommand(); cmd.CommandText = sql; return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!; }
        Assert.Equal("wal", Scalar("PRAGMA journal_mode"));
        Assert.Equal("1", Scalar("SELECT version FROM schema_version"));
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

    [Fact]
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
