using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// Studies kept in this process's memory (storage ":memory:"): fast, lost when the process ends. Thread-safe; one lock
/// guards everything (each operation is short).
/// </summary>
public sealed partial class InMemoryStudyStorage : IStudyStorage
{
    private sealed class Study
    {
        public required StudyInfo Info;
        public readonly List<Row> Trials = new();   // by number
        public readonly List<QueuedTrial> Queue = new();
        public readonly List<SpaceMigration> Migrations = new();
        public readonly HashSet<string> Copies = new(StringComparer.Ordinal);   // sources trials were copied from
        public long Seq;
    }

    private sealed class Row
    {
        public required long Id;
        public required int Number;
        public required double[] Values;   // rewritten by a space migration
        public TrialState State;
        public double? Value;
        public readonly SortedDictionary<int, double> Intermediate = new();
        public DateTimeOffset Started;
        public DateTimeOffset? Finished;
        public DateTimeOffset Heartbeat;
        public string? Error;
        public TrialFailure? Failure;
        public int? RetryOf;
        public string? CopiedFrom;
        public double[]? Objectives;
        public double[]? Constraints;
        public long Seq;
        public required Study Study;
    }

    private readonly object gate = new();
    private readonly Dictionary<string, Study> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Study> byId = new();
    private readonly Dictionary<long, Row> trials = new();
    private long nextStudyId = 1, nextTrialId = 1;

    /// <summary>Time source, replaceable by tests.</summary>
    internal Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public string Location => "memory (this process)";

    public StudyInfo OpenStudy(string name, SearchSpace space, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(space);
        lock (gate)
        {
            if (byName.TryGetValue(name, out var existing))
            {
                StudyCodec.CheckCompatible(existing.Info, space, direction, Location);
                return existing.Info;
            }
            var info = new StudyInfo(nextStudyId++, name, space.Fingerprint, StudyCodec.SpaceText(space), direction, Clock());
            var study = new Study { Info = info };
            byName.Add(name, study);
            byId.Add(info.Id, study);
            return info;
        }
    }

    public StudyInfo? FindStudy(string name)
    {
        lock (gate) return byName.TryGetValue(name, out var s) ? s.Info : null;
    }

    private readonly Dictionary<long, string> settingsById = new();

    public string? RecordSettings(long studyId, string settings)
    {
        lock (gate)
        {
            if (!settingsById.TryGetValue(studyId, out var first)) settingsById[studyId] = first = settings;
            return first;
        }
    }

    public string? ReadSettings(long studyId)
    {
        lock (gate) return settingsById.TryGetValue(studyId, out var settings) ? settings : null;
    }

    public bool DeleteStudy(string name)
    {
        lock (gate)
        {
            if (!byName.Remove(name, out var study)) return false;
            byId.Remove(study.Info.Id);
            settingsById.Remove(study.Info.Id);
            foreach (var row in study.Trials) trials.Remove(row.Id);
            return true;
        }
    }

    public StoredTrial CreateTrial(long studyId, Func<int, double[]> sample)
    {
        lock (gate) return Insert(GetStudy(studyId), new NewTrial(sample(GetStudy(studyId).Trials.Count)));
    }

    /// <summary>Under the one lock: store the finish, read the changes, decide, insert. An exception from
    /// <paramref name="decide"/> still keeps the finish, then is rethrown.</summary>
    public StoredTrial? FinishAndCreate(long studyId, TrialOutcome? finish, long afterSeq, Func<int, TrialChanges, NewTrial?> decide)
    {
        lock (gate)
        {
            if (finish is { } f) FinishTrial(f);
            var study = GetStudy(studyId);
            var changes = GetTrialsChangedSince(studyId, afterSeq) with { Queued = study.Queue.Find(q => q.TrialNumber is null) };
            return decide(study.Trials.Count, changes) is { } wanted ? Insert(study, wanted) : null;
        }
    }

    private StoredTrial Insert(Study study, NewTrial trial)
    {
        var now = Clock();
        var row = new Row
        {
            Id = nextTrialId++, Number = study.Trials.Count, Values = (double[])trial.Values.Clone(), Study = study, State = TrialState.Running,
            Started = now, Heartbeat = now, Seq = ++study.Seq, RetryOf = trial.RetryOf,
        };
        if (trial.Queued is { } queued) Claim(study, queued, row.Number);
        study.Trials.Add(row);
        trials.Add(row.Id, row);
        return Snapshot(row);
    }

    public IReadOnlyList<StudyInfo> ListStudies()
    {
        lock (gate) return byName.Values.Select(s => s.Info).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    public void ReportIntermediate(long trialId, int step, double value)
    {
        lock (gate)
        {
            var row = GetTrial(trialId);
            row.Intermediate[step] = value;
            row.Seq = ++row.Study.Seq;
        }
    }

    public void Heartbeat(IReadOnlyCollection<long> trialIds)
    {
        lock (gate)
        {
            var now = Clock();
            foreach (long id in trialIds)
                if (trials.TryGetValue(id, out var row) && row.State == TrialState.Running) row.Heartbeat = now;
        }
    }

    public void FinishTrial(TrialOutcome outcome)
    {
        var (trialId, state, value, error) = outcome;
        if (state == TrialState.Running) throw new ArgumentException("A trial finishes as Complete, Pruned or Failed.", nameof(outcome));
        lock (gate)
        {
            var row = GetTrial(trialId);
            if (outcome.Started is { } started) row.Started = started;
            row.State = state;
            row.Value = value is { } v && double.IsFinite(v) ? v : null;
            row.Error = error;
            row.Failure = outcome.StoredFailure;
            row.Objectives = outcome.Objectives?.ToArray();
            row.Constraints = outcome.Constraints?.ToArray();
            row.Finished = outcome.Finished ?? Clock();
            row.Seq = ++row.Study.Seq;
        }
    }

    public IReadOnlyList<int> FailStaleTrials(long studyId, DateTimeOffset olderThan, string error)
    {
        lock (gate)
        {
            var study = GetStudy(studyId);
            var failed = new List<int>();
            foreach (var row in study.Trials)
            {
                if (row.State != TrialState.Running || row.Heartbeat >= olderThan) continue;
                row.State = TrialState.Failed;
                row.Error = error;
                row.Failure = TrialFailure.Abandoned;
                row.Finished = Clock();
                row.Seq = ++study.Seq;
                failed.Add(row.Number);
            }
            return failed;
        }
    }

    public TrialChanges GetTrialsChangedSince(long studyId, long afterSeq)
    {
        lock (gate)
        {
            var study = GetStudy(studyId);
            // A scan of the in-memory list is a few nanoseconds a trial; what matters is copying only what changed.
            var changed = study.Trials.Where(r => r.Seq > afterSeq).OrderBy(r => r.Seq).Select(Snapshot).ToList();
            return new TrialChanges(changed, study.Seq);
        }
    }

    public void Dispose() { }

    private Study GetStudy(long id) => byId.TryGetValue(id, out var s) ? s : throw new InvalidOperationException($"No study with id {id} in {Location} (was it deleted?).");
    private Row GetTrial(long id) => trials.TryGetValue(id, out var r) ? r : throw new InvalidOperationException($"No trial with id {id} in {Location} (was its study deleted?).");

    private static StoredTrial Snapshot(Row r)
        => new(r.Id, r.Number, r.State, (double[])r.Values.Clone(), r.Value, new Dictionary<int, double>(r.Intermediate), r.Started, r.Finished, r.Heartbeat, r.Error, r.Seq)
        { Failure = r.Failure, RetryOf = r.RetryOf, CopiedFrom = r.CopiedFrom, Objectives = r.Objectives?.ToArray(), Constraints = r.Constraints?.ToArray() };
}
