using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// A study read without its <c>[TuneSpace]</c> type: what a tool that never saw the program (the <c>attune</c> command,
/// a notebook) can know of it. <see cref="Space"/> is rebuilt from the space text the study stores, so parameters keep
/// their natural values (ints, choices) in exports; <see cref="Studies.Load{T}(IStudyStorage, string)"/> gives the typed view.
/// </summary>
public sealed class StoredStudy
{
    internal StoredStudy(StudyInfo info, string location, IReadOnlyList<StoredTrial> trials)
    {
        Info = info;
        Location = location;
        Trials = trials.OrderBy(t => t.Number).ToList();
        Space = StudyCodec.ParseSpace(info.Name, info.SpaceText, info.Fingerprint);
        foreach (var t in Trials)
            if (t is { State: TrialState.Complete, Value: { } v } && (Best is null || (info.Direction == Direction.Maximize ? v > Best.Value : v < Best.Value)))
                Best = t;
    }

    /// <summary>The study's identity, stored space text, fingerprint, direction and creation time.</summary>
    public StudyInfo Info { get; }

    public string Name => Info.Name;
    public Direction Direction => Info.Direction;

    /// <summary>Where the study is, as <see cref="IStudyStorage.Location"/> says it (never a connection string).</summary>
    public string Location { get; }

    /// <summary>The space rebuilt from the stored text; null when that text cannot be read back into a space with the
    /// stored fingerprint (a choice whose text holds ", " is ambiguous in it), so callers fall back to the text.</summary>
    public SearchSpace? Space { get; }

    /// <summary>Every trial, by number.</summary>
    public IReadOnlyList<StoredTrial> Trials { get; }

    /// <summary>The Complete trial with the best value in the study's direction; null when none completed.</summary>
    public StoredTrial? Best { get; }

    /// <summary>The latest time any trial started, finished or sent a heartbeat (the study's creation when it has none).</summary>
    public DateTimeOffset LastActivity
        => Trials.Select(t => Max(Max(t.Started, t.Finished ?? t.Started), t.Heartbeat)).DefaultIfEmpty(Info.Created).Max();

    /// <summary>How long a finished trial ran; null while it runs.</summary>
    public static TimeSpan? Duration(StoredTrial trial) => trial.Finished is { } f ? f - trial.Started : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
