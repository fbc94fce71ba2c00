using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// A configuration enqueued to run before anything is sampled (<see cref="Studies.Enqueue{T}(T, SweepOptions?)"/>), as
/// the study stores it: its place in the queue, its internal values, when it was enqueued and, once a worker claimed it,
/// the number of the trial that runs it (claimed in the same transaction that creates that trial, so it runs once).
/// </summary>
public sealed record QueuedTrial(long Id, IReadOnlyList<double> Values, DateTimeOffset Enqueued, int? TrialNumber);

/// <summary>
/// A recorded change of a study's search space (<see cref="Studies.MigrateSpace{T}(IStudyStorage, string, SpaceChange)"/>
/// or <see cref="SweepOptions.SpaceChange"/>): when, the space before and after (their text, one parameter a line, and
/// fingerprints) and what changed, one line per parameter.
/// </summary>
public sealed record SpaceMigration(DateTimeOffset When, string OldSpaceText, string NewSpaceText, string OldFingerprint, string NewFingerprint, IReadOnlyList<string> Changes)
{
    /// <summary>One line a person reads: "2026-12-03 14:20:41Z: 1d2c… → 9a8b…: lr: widened from … to …; …".</summary>
    public override string ToString()
        => $"{When.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z: space {OldFingerprint} -> {NewFingerprint}: {string.Join("; ", Changes)}";
}

/// <summary>A trial of another study to copy into this one (<see cref="IStudyStorage.CopyTrials"/>): its values already in
/// this study's space, its end state, value, intermediate values and times, and where it came from.</summary>
public sealed record CopiedTrial(IReadOnlyList<double> Values, TrialState State, double? Value, IReadOnlyDictionary<int, double> Intermediate,
    DateTimeOffset Started, DateTimeOffset? Finished, string? Error, TrialFailure? Failure, string CopiedFrom);

/// <summary>
/// What a warm start did (<see cref="SweepOptions.WarmStartFrom"/>, <see cref="Studies.CopyTrials{T}(IStudyStorage, string, IStudyStorage, string, Direction?, SpaceChange?)"/>):
/// how many trials were copied, and every trial that was not, with why.
/// </summary>
public sealed record WarmStartReport(string Source, int Copied, bool AlreadyCopied, IReadOnlyList<(int Number, string Reason)> NotCopied)
{
    /// <summary>"12 trials copied from study 'a' in SQLite file '…'; 3 not copied: 2 still running, 1 has Lr = 0.5 outside [0.0001, 0.1]".</summary>
    public override string ToString()
    {
        if (AlreadyCopied) return $"the trials of {Source} were copied before (not copied again)";
        var text = $"{Copied} trial{(Copied == 1 ? "" : "s")} copied from {Source}";
        if (NotCopied.Count == 0) return text;
        var reasons = NotCopied.GroupBy(n => Kind(n.Reason)).Select(g => $"{g.Count()} {g.Key}");
        return $"{text}; {NotCopied.Count} not copied ({string.Join(", ", reasons)})";
    }

    /// <summary>A reason's kind for the summary ("still running", or its first words up to the parameter's value).</summary>
    private static string Kind(string reason) => reason.StartsWith("still running", StringComparison.Ordinal) ? "still running" : reason;
}
