using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>A study as a listing shows it: its name, direction and space, how many trials ended each way, and its best.</summary>
public sealed record StudySummary(
    string Name,
    Direction Direction,
    DateTimeOffset Created,
    int Complete,
    int Pruned,
    int Failed,
    int Running,
    double? BestValue,
    int? BestTrial,
    string SpaceText)
{
    /// <summary>Every trial of the study, whatever its state.</summary>
    public int Trials => Complete + Pruned + Failed + Running;

    public override string ToString()
        => $"{Name}: {Trials} trials ({Complete} complete, {Pruned} pruned, {Failed} failed, {Running} running), {Direction.ToString().ToLowerInvariant()}" +
           (BestTrial is { } n ? $", best {BestValue!.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} (#{n})" : ", no completed trial");
}

/// <summary>
/// Studies without running a sweep: list those in a storage, load one with typed parameters, delete one — what
/// Optuna users do with <c>get_all_study_summaries</c>, <c>load_study</c> and <c>delete_study</c>. The storage is named
/// as <see cref="SweepOptions.Storage"/> names it (a SQLite file path, a connection string, null for the default file),
/// or passed open. Reading never creates a SQLite file that is not there.
/// </summary>
public static partial class Studies
{
    /// <summary>Every study in <paramref name="storage"/>, by name; empty when the SQLite file does not exist.</summary>
    public static IReadOnlyList<StudySummary> List(string? storage = null)
    {
        using var opened = StudyStorage.OpenExisting(storage);
        return opened is null ? Array.Empty<StudySummary>() : List(opened);
    }

    /// <summary>Every study in an open storage, by name.</summary>
    public static IReadOnlyList<StudySummary> List(IStudyStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.ListStudies().Select(study => Summarize(study, storage.GetTrialsChangedSince(study.Id, 0).Trials)).ToList();
    }

    /// <summary>
    /// The study a sweep with <paramref name="options"/> would run (its <see cref="SweepOptions.Storage"/> and
    /// <see cref="SweepOptions.StudyName"/>, else the space's name), with typed parameters; null when there is none.
    /// </summary>
    /// <exception cref="SpaceChangedException">The study was created with another search space than <typeparamref name="T"/>'s.</exception>
    public static SweepResult<T>? Load<T>(SweepOptions? options = null) where T : ITuneSpace<T>
    {
        options ??= T.DefaultSweepOptions;
        using var opened = StudyStorage.OpenExisting(options.Storage);
        return opened is null ? null : Load<T>(opened, options.StudyName ?? T.Space.Name);
    }

    /// <summary>The study <paramref name="studyName"/> in an open storage, with typed parameters; null when there is none.</summary>
    /// <exception cref="SpaceChangedException">The study was created with another search space than <typeparamref name="T"/>'s.</exception>
    public static SweepResult<T>? Load<T>(IStudyStorage storage, string studyName) where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(studyName);
        if (storage.FindStudy(studyName) is not { } study) return null;
        StudyCodec.CheckCompatible(study, T.Space, study.Direction, storage.Location);
        var trials = storage.GetTrialsChangedSince(study.Id, 0).Trials.OrderBy(t => t.Number)
            .Select(t => new TrialResult<T>(t.Number, T.Decode(t.Values), t.State, t.Value, t.Intermediate, t.Error, t.Finished is { } f ? f - t.Started : null)
                { Failure = t.Failure, RetryOf = t.RetryOf })
            .ToList();
        return new SweepResult<T>(study.Name, study.Direction, trials, cancelled: false, timedOut: false);
    }

    /// <summary>The study <paramref name="studyName"/> in an open storage without its type (parameters as stored, the
    /// space rebuilt from its text); null when there is none.</summary>
    public static StoredStudy? Load(IStudyStorage storage, string studyName)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(studyName);
        return storage.FindStudy(studyName) is { } study ? new StoredStudy(study, storage.Location, storage.GetTrialsChangedSince(study.Id, 0).Trials) : null;
    }

    /// <summary>Deletes the study <paramref name="studyName"/> and all its trials (other studies in the storage are
    /// kept); false when there was none.</summary>
    public static bool Delete(string? storage, string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        using var opened = StudyStorage.OpenExisting(storage);
        return opened is not null && opened.DeleteStudy(studyName);
    }

    private static StudySummary Summarize(StudyInfo study, IReadOnlyList<StoredTrial> trials)
    {
        int complete = 0, pruned = 0, failed = 0, running = 0;
        StoredTrial? best = null;
        foreach (var t in trials)
        {
            switch (t.State)
            {
                case TrialState.Complete: complete++; break;
                case TrialState.Pruned: pruned++; break;
                case TrialState.Failed: failed++; break;
                default: running++; break;
            }
            if (t is { State: TrialState.Complete, Value: { } v } && (best is null || (study.Direction == Direction.Maximize ? v > best.Value : v < best.Value))) best = t;
        }
        return new StudySummary(study.Name, study.Direction, study.Created, complete, pruned, failed, running, best?.Value, best?.Number, study.SpaceText);
    }
}
