using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>A study as storage holds it: its identity, the space it was created with (<c>SpaceText</c>: the space's
/// parameter descriptions, <see cref="ParameterSpec.Describe"/>, one a line, in order) and its direction.</summary>
public sealed record StudyInfo(long Id, string Name, string Fingerprint, string SpaceText, Direction Direction, DateTimeOffset Created);

/// <summary>
/// One trial as storage holds it. <see cref="UpdatedSeq"/> grows every time the trial changes (created, reported,
/// finished), so a worker can fetch only what changed since its last read.
/// </summary>
public sealed record StoredTrial(
    long Id,
    int Number,
    TrialState State,
    IReadOnlyList<double> Values,
    double? Value,
    IReadOnlyDictionary<int, double> Intermediate,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    DateTimeOffset Heartbeat,
    string? Error,
    long UpdatedSeq)
{
    /// <summary>Why it failed (Failed trials only).</summary>
    public TrialFailure? Failure { get; init; }

    /// <summary>The number of the abandoned trial this one runs again, or null.</summary>
    public int? RetryOf { get; init; }

    /// <summary>Where a trial copied from another study came from ("study 'a' in SQLite file '…', trial 7"); null for
    /// the study's own trials. Copied trials inform samplers and pruners but do not count toward
    /// <see cref="SweepOptions.Trials"/>.</summary>
    public string? CopiedFrom { get; init; }

    /// <summary>Every objective's value, in the score type's order (the first is <see cref="Value"/>), when the sweep's
    /// objective returns an <c>[ObjectiveScore]</c> type; null for a plain number.</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>The constraints' values (feasible when all are ≤ 0), when the score type has any; else null.</summary>
    public IReadOnlyList<double>? Constraints { get; init; }

    /// <summary>What samplers and pruners see of this trial.</summary>
    public FrozenTrial ToFrozen() => new(Number, State, Values, Value, Intermediate, Started, Finished, Error)
        { Failure = Failure, RetryOf = RetryOf, Objectives = Objectives, Constraints = Constraints };
}

/// <summary>The trial <see cref="IStudyStorage.FinishAndCreate"/> is to create: its internal values and, for a rerun of
/// an abandoned trial, that trial's number (stored with it, in the same transaction, so no two workers rerun one trial).</summary>
public sealed record NewTrial(double[] Values, int? RetryOf = null)
{
    /// <summary>The queue entry (<see cref="QueuedTrial.Id"/>) this trial runs, claimed in the same transaction that
    /// creates it; null for a sampled trial. A storage that finds the entry already claimed creates nothing.</summary>
    public long? Queued { get; init; }

    /// <summary>A new trial with these values (not a rerun).</summary>
    public static implicit operator NewTrial(double[] values) => new(values);
}

/// <summary>Trials that changed after a given sequence number, and the sequence number to ask from next time.</summary>
public sealed record TrialChanges(IReadOnlyList<StoredTrial> Trials, long LastSeq)
{
    /// <summary>The first queue entry no trial has claimed yet, read with the changes (inside
    /// <see cref="IStudyStorage.FinishAndCreate"/> only); null when the queue is empty or was not read.</summary>
    public QueuedTrial? Queued { get; init; }
}

/// <summary>
/// Where studies live. Implementations are safe to call from several threads at once; the SQLite one is also safe for
/// several processes sharing a file. Every operation is O(1) in the number of trials apart from
/// <see cref="GetTrialsChangedSince"/>, which returns only what changed.
/// </summary>
public partial interface IStudyStorage : IDisposable
{
    /// <summary>Where the studies are, for messages (a file path, "memory"); never a connection string.</summary>
    string Location { get; }

    /// <summary>Creates the study if absent; otherwise checks it was created with the same space and direction.</summary>
    /// <exception cref="SpaceChangedException">The study exists with a different space.</exception>
    /// <exception cref="InvalidOperationException">The study exists with the other direction.</exception>
    StudyInfo OpenStudy(string name, SearchSpace space, Direction direction);

    /// <summary>The study named <paramref name="name"/>, or null.</summary>
    StudyInfo? FindStudy(string name);

    /// <summary>Deletes a study and all its trials; false when there was none.</summary>
    bool DeleteStudy(string name);

    /// <summary>
    /// Creates the study's next trial, Running, atomically: the number (one more than the highest so far) is assigned
    /// inside the storage transaction, so no two workers, in any process, ever get the same one.
    /// <paramref name="sample"/> is called inside that transaction with the new number and returns the trial's internal
    /// values; it should be quick (other workers wait for it).
    /// </summary>
    StoredTrial CreateTrial(long studyId, Func<int, double[]> sample);

    /// <summary>Stores (or replaces) an intermediate value of a running trial.</summary>
    void ReportIntermediate(long trialId, int step, double value);

    /// <summary>
    /// <see cref="ReportIntermediate"/>, then the trials of the study changed after <paramref name="afterSeq"/> (the
    /// report included), as <see cref="GetTrialsChangedSince"/> gives them: what a pruner needs to decide on the report,
    /// in one round trip where the storage allows it. The default makes the two calls.
    /// </summary>
    TrialChanges ReportAndRead(long studyId, long trialId, int step, double value, long afterSeq)
    {
        ReportIntermediate(trialId, step, value);
        return GetTrialsChangedSince(studyId, afterSeq);
    }

    /// <summary>Records that the worker running these trials is alive.</summary>
    void Heartbeat(IReadOnlyCollection<long> trialIds);

    /// <summary>Ends a trial as <paramref name="outcome"/> says: Complete, Pruned or Failed (with its
    /// <see cref="TrialOutcome.Failure"/> kind; <see cref="TrialFailure.Error"/> when none is given), its value (finite
    /// or null) and error text; where it carries <see cref="TrialOutcome.Started"/> (a trial created ahead, whose
    /// objective began later than its creation), the trial's start becomes that time.</summary>
    /// <exception cref="ArgumentException">The outcome's state is Running.</exception>
    void FinishTrial(TrialOutcome outcome);

    /// <summary>Marks Failed as <see cref="TrialFailure.Abandoned"/>, with <paramref name="error"/>, every Running trial
    /// of the study whose last heartbeat is older than <paramref name="olderThan"/>; returns their numbers.</summary>
    IReadOnlyList<int> FailStaleTrials(long studyId, DateTimeOffset olderThan, string error);

    /// <summary>Marks Failed as <see cref="TrialFailure.Abandoned"/>, with <paramref name="error"/>, those of
    /// <paramref name="trialIds"/> that are still Running (their worker is known to be gone); returns their numbers. A trial that finished meanwhile is left as it is. The
    /// default finishes each one found Running by <see cref="RunningTrials"/>; storages do it in one transaction.</summary>
    IReadOnlyList<int> FailTrials(long studyId, IReadOnlyCollection<long> trialIds, string error)
    {
        var failed = new List<int>();
        foreach (var t in RunningTrials(studyId))
        {
            if (!trialIds.Contains(t.Id)) continue;
            FinishTrial(new TrialOutcome(t.Id, TrialState.Failed, null, error) { Failure = TrialFailure.Abandoned });
            failed.Add(t.Number);
        }
        return failed;
    }

    /// <summary>Every trial of the study changed after <paramref name="afterSeq"/> (0: all of them), by sequence.</summary>
    TrialChanges GetTrialsChangedSince(long studyId, long afterSeq);

    /// <summary>
    /// A worker's step between trials: stores <paramref name="finish"/> (the trial it just ran; null for its first), reads
    /// what changed since <paramref name="afterSeq"/>, and creates the next trial, in as few round trips and as short a
    /// lock as the storage allows. <paramref name="decide"/> gets the next trial's number and the changes (which may not
    /// include <paramref name="finish"/> yet: a storage may commit it together with the creation) and returns the new
    /// trial (its values, and for a rerun of an abandoned trial that trial's number, stored with it), or null to create
    /// none. The finish is stored whatever the decision: a null or an exception from <paramref name="decide"/> never
    /// loses the result.
    /// <para>Guarantees as <see cref="CreateTrial"/>: the number is unique, and no trial was created between the read the
    /// changes come from and the new one; a storage that finds one was (another worker was quicker) calls
    /// <paramref name="decide"/> again with the newer changes. So decide may run more than once; it should be quick and
    /// have no effect other than applying the changes it is given.</para>
    /// </summary>
    StoredTrial? FinishAndCreate(long studyId, TrialOutcome? finish, long afterSeq, Func<int, TrialChanges, NewTrial?> decide);

    /// <summary>The study's Running trials with their last heartbeat (heartbeats do not change
    /// <see cref="StoredTrial.UpdatedSeq"/>, so <see cref="GetTrialsChangedSince"/> does not report them). The driver
    /// asks only at the end of a sweep, to tell a live worker's trial from an abandoned one; the default reads every
    /// trial, storages with an index on Running trials answer directly.</summary>
    IReadOnlyList<RunningTrial> RunningTrials(long studyId)
        => GetTrialsChangedSince(studyId, 0).Trials.Where(t => t.State == TrialState.Running).Select(t => new RunningTrial(t.Id, t.Number, t.Heartbeat)).ToList();

    /// <summary>Every study in this storage, by name (for listing; <see cref="FindStudy"/> reads one).</summary>
    IReadOnlyList<StudyInfo> ListStudies();

    /// <summary>
    /// Records the settings <paramref name="settings"/> (sampler, pruner, seed, as text) that study
    /// <paramref name="studyId"/> is run with, the first time only, and returns the settings recorded first: equal to
    /// <paramref name="settings"/> on a new study, the earlier ones on a study run before with others. A storage that
    /// keeps no settings returns null (the default), and the sweep then cannot say that the settings changed.
    /// </summary>
    string? RecordSettings(long studyId, string settings) => null;

    /// <summary>The settings recorded for study <paramref name="studyId"/> (<see cref="RecordSettings"/>), without
    /// writing anything; null when none were recorded (a study written before schema version 3) or the storage keeps none.</summary>
    string? ReadSettings(long studyId) => null;
}

/// <summary>How a trial ended, as <see cref="IStudyStorage.FinishTrial(TrialOutcome)"/> stores it.</summary>
public sealed record TrialOutcome(long TrialId, TrialState State, double? Value, string? Error)
{
    /// <summary>Why a Failed trial failed; null for one that did not fail (a Failed outcome without it is stored as
    /// <see cref="TrialFailure.Error"/>).</summary>
    public TrialFailure? Failure { get; init; }

    /// <summary>The kind stored for this outcome: <see cref="Failure"/> for a Failed one (Error by default), else null.</summary>
    public TrialFailure? StoredFailure => State == TrialState.Failed ? Failure ?? TrialFailure.Error : null;

    /// <summary>When its objective began, which the sweep driver always gives: later than the trial's creation, by the
    /// step that created it or, for a trial created ahead (<see cref="SweepOptions.CreateAhead"/>), by the whole trial
    /// before it. Null keeps the start stored at creation.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When its objective ended, which the sweep driver always gives: a result may be stored later (with the
    /// next trial's creation, or during the next trial with <see cref="SweepOptions.CreateAhead"/>). Null: the time of
    /// the write.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>A Complete trial's objectives, in the score type's order (its <see cref="Value"/> is the first), when the
    /// objective returns an <c>[ObjectiveScore]</c> type; null for a plain number (nothing more is stored).</summary>
    public IReadOnlyList<double>? Objectives { get; init; }

    /// <summary>A Complete trial's constraint values, when its score type has constraints; else null.</summary>
    public IReadOnlyList<double>? Constraints { get; init; }
}


/// <summary>A Running trial, its last heartbeat and, where the storage records it, its worker: "host:pid" followed by a
/// key that tells another process of the same machine whether that process is still running.</summary>
public sealed record RunningTrial(long Id, int Number, DateTimeOffset Heartbeat, string? Worker = null);

/// <summary>
/// A study was reopened with a search space other than the one it was created with. Its message names the study, the
/// storage, every parameter that was added, removed or changed, and how to proceed.
/// </summary>
public sealed class SpaceChangedException : InvalidOperationException
{
    public SpaceChangedException(string studyName, string storage, IReadOnlyList<string> changes)
        : base(BuildMessage(studyName, storage, changes))
    {
        StudyName = studyName;
        Storage = storage;
        Changes = changes;
    }

    public string StudyName { get; }
    /// <summary>Where the study is (a file path; never a connection string).</summary>
    public string Storage { get; }
    /// <summary>One line per change, e.g. <c>lr: changed from "lr: uniform [0, 1]" to "lr: uniform [0, 2]"</c>.</summary>
    public IReadOnlyList<string> Changes { get; }

    private static string BuildMessage(string studyName, string storage, IReadOnlyList<string> changes)
        => $"Study '{studyName}' in {storage} was created with a different search space:\n"
           + string.Concat(changes.Select(c => "  - " + c + "\n"))
           + "Its trials were sampled from the old space and are not mixed with the new one silently. To proceed, migrate the study "
           + "explicitly (SweepOptions.SpaceChange = SpaceChange.Widen for widened ranges, added choices and added parameters with "
           + ".WithDefault(name, value); SpaceChange.AllowNarrowing to also narrow or remove; or Studies.MigrateSpace), which keeps "
           + "the old trials and records the change; or give this sweep a new study name (SweepOptions.StudyName), or delete the "
           + "old study (IStudyStorage.DeleteStudy, or the file if it holds nothing else).";

    /// <summary>The differences between a stored space text and a space, per parameter, in a stable order.</summary>
    internal static List<string> Diff(string storedSpaceText, SearchSpace space)
    {
        var old = ParseSpaceText(storedSpaceText);
        var now = space.Parameters.Select(p => (p.Name, Text: p.Describe())).ToList();
        var changes = new List<string>();
        foreach (var (name, text) in now)
        {
            var previous = old.FirstOrDefault(o => o.Name == name);
            if (previous.Name is null) changes.Add($"{name}: added (\"{text}\")");
            else if (previous.Text != text) changes.Add($"{name}: changed from \"{previous.Text}\" to \"{text}\"");
        }
        foreach (var (name, text) in old)
            if (!now.Any(n => n.Name == name)) changes.Add($"{name}: removed (was \"{text}\")");
        if (changes.Count == 0)
        {
            // Same parameters, same descriptions: only their order changed (internal values are positional).
            changes.Add($"parameter order changed from ({string.Join(", ", old.Select(o => o.Name))}) to ({string.Join(", ", now.Select(n => n.Name))})");
        }
        return changes;
    }

    private static List<(string Name, string Text)> ParseSpaceText(string spaceText)
        => spaceText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => { int colon = line.IndexOf(": ", StringComparison.Ordinal); return (colon < 0 ? line : line[..colon], line); })
            .ToList();
}
