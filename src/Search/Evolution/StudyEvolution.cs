using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>The steps behind enqueueing, space migrations and warm starts, shared by <see cref="Studies"/> and the sweep
/// driver; the storages only store what these decide.</summary>
internal static class StudyEvolution
{
    /// <summary>
    /// Opens the study as <see cref="IStudyStorage.OpenStudy"/> does; when it exists with another space and
    /// <paramref name="change"/> is given, migrates it first (or finds it already migrated by another worker). Returns
    /// the migration this call recorded, or null.
    /// </summary>
    public static (StudyInfo Study, SpaceMigration? Migration) Open(IStudyStorage storage, string name, SearchSpace space, Direction direction, SpaceChange? change)
    {
        if (change is null) return (storage.OpenStudy(name, space, direction), null);
        try { return (storage.OpenStudy(name, space, direction), null); }
        catch (SpaceChangedException)
        {
            var existing = storage.FindStudy(name) ?? throw new InvalidOperationException($"Study '{name}' in {storage.Location} disappeared while it was opened (deleted by another process?).");
            // The direction is checked before anything is written: a migration is never recorded for a sweep that cannot run.
            StudyCodec.CheckCompatible(existing with { Fingerprint = space.Fingerprint }, space, direction, storage.Location);
            var migration = Migrate(storage, existing, space, change);
            return (storage.OpenStudy(name, space, direction), migration);
        }
    }

    /// <summary>Migrates <paramref name="study"/> to <paramref name="space"/> as <paramref name="change"/> allows; null when
    /// it already has that space or another worker migrated it meanwhile.</summary>
    /// <exception cref="InvalidOperationException">The change is not allowed: the message lists every reason.</exception>
    public static SpaceMigration? Migrate(IStudyStorage storage, StudyInfo study, SearchSpace space, SpaceChange change)
    {
        if (study.Fingerprint == space.Fingerprint) return null;
        var old = StoredSpace(study, storage.Location);
        var mapping = new SpaceMapping(old, space, change);
        var refused = mapping.Impossible.ToList();
        if (!change.AllowsNarrowing) refused.AddRange(mapping.Narrowing.Select(n => n + " (narrowing needs SpaceChange.AllowNarrowing)"));
        // A configuration still waiting in the queue would run outside the new space: refused rather than run or dropped.
        if (refused.Count == 0)
            foreach (var q in storage.ReadQueue(study.Id).Where(q => q.TrialNumber is null))
                if ((mapping.Map(q.Values, dropSetParameters: true) is { Values: { } v } ? ConfigurationCheck.Problem(space, v) : "it cannot be read in the new space") is { } why)
                    refused.Add($"queued configuration {q.Id} (enqueued {q.Enqueued.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, still waiting) would not fit the new space: {why}; let it run first with the old space");
        if (refused.Count > 0)
            throw new InvalidOperationException($"Study '{study.Name}' in {storage.Location} cannot be migrated to the new search space:\n" +
                string.Concat(refused.Select(r => "  - " + r + "\n")) +
                "Nothing was changed. Allow what can be allowed (SpaceChange.AllowNarrowing, WithDefault for added parameters), or give the sweep a new study name (SweepOptions.StudyName).");
        var migration = new SpaceMigration(DateTimeOffset.UtcNow, study.SpaceText, StudyCodec.SpaceText(space), study.Fingerprint, space.Fingerprint,
            mapping.Changes.Concat(mapping.Narrowing).ToList());
        bool done = storage.MigrateSpace(study.Id, study.Fingerprint, space, values =>
            mapping.Map(values, dropSetParameters: true) is { Values: { } mapped } ? mapped
                : throw new InvalidOperationException($"Study '{study.Name}' in {storage.Location} holds a trial whose values ({StudyCodec.ValuesJson(values)}) do not fit its own stored space; nothing was migrated."),
            migration);
        return done ? migration : null;
    }

    /// <summary>The error a worker gets when another one migrated the study's space while it ran: its values are laid
    /// out for the old space, so it must stop rather than write trials the study can no longer read.</summary>
    public static InvalidOperationException MigratedWhileRunning(string study, string location, string ownFingerprint, string storedFingerprint)
        => new($"Study '{study}' in {location} was migrated to another search space (fingerprint {storedFingerprint}) while this sweep ran with space " +
               $"{ownFingerprint}; it stops here so that it writes no trial in the old space's layout (its last result is stored). " +
               "Run it again with the new space (the migrated study's trials are all kept).");

    /// <summary>The space a study was stored with, rebuilt from its text.</summary>
    public static SearchSpace StoredSpace(StudyInfo study, string location)
        => StudyCodec.ParseSpace(study.Name, study.SpaceText, study.Fingerprint)
           ?? throw new InvalidOperationException($"The search space of study '{study.Name}' in {location} could not be read back from its stored text " +
                                                  "(a choice whose text holds \", \"?), so its trials cannot be mapped into another space.");

    /// <summary>Checks typed values for the queue: each active parameter inside its range; inactive ones become NaN.</summary>
    public static double[] CheckedForQueue(SearchSpace space, double[] values, string studyName, object? shown)
    {
        if (ConfigurationCheck.Problem(space, values) is { } problem)
            throw new ArgumentException($"Cannot enqueue {shown} in study '{studyName}': {problem}. A configuration runs only as the space declares it.", nameof(values));
        var copy = (double[])values.Clone();
        for (int i = 0; i < copy.Length; i++) if (!space.IsActive(i, copy)) copy[i] = double.NaN;
        return copy;
    }

    /// <summary>
    /// Copies the finished trials of <paramref name="source"/> (in <paramref name="from"/>) that fit <paramref name="space"/>
    /// into <paramref name="target"/> (in <paramref name="to"/>), once; every trial not copied is reported with why.
    /// </summary>
    public static WarmStartReport CopyTrials(IStudyStorage from, StudyInfo source, IStudyStorage to, StudyInfo target, SearchSpace space, SpaceChange? change)
    {
        string sourceText = $"study '{source.Name}' in {from.Location}";
        if (ReferenceEquals(from, to) && source.Id == target.Id)
            throw new ArgumentException($"A study cannot be warm-started from itself ({sourceText}); name another study in WarmStartFrom.");
        if (source.Direction != target.Direction)
            throw new InvalidOperationException($"Cannot copy the trials of {sourceText} into study '{target.Name}': the source was run to {source.Direction}, " +
                $"this study to {target.Direction}, so their values mean the opposite. Warm-start from a study of the same direction.");
        var mapping = new SpaceMapping(StoredSpace(source, from.Location), space, change ?? SpaceChange.Widen);
        var copies = new List<CopiedTrial>();
        var notCopied = new List<(int, string)>();
        foreach (var t in from.GetTrialsChangedSince(source.Id, 0).Trials.OrderBy(t => t.Number))
        {
            string? why = null;
            double[]? values = null;
            if (t.State == TrialState.Running) why = "still running";
            else if (mapping.Blocking.Count > 0) why = mapping.Blocking[0];
            else
            {
                (values, why) = mapping.Map(t.Values, dropSetParameters: change?.AllowsNarrowing == true);
                if (values is not null) why = ConfigurationCheck.Problem(space, values);
            }
            if (why is not null) { notCopied.Add((t.Number, why)); continue; }
            copies.Add(new CopiedTrial(values!, t.State, t.Value, t.Intermediate, t.Started, t.Finished, t.Error, t.Failure,
                $"{sourceText}, trial {t.Number}") { Objectives = t.Objectives, Constraints = t.Constraints });
        }
        bool copied = to.CopyTrials(target.Id, sourceText, copies);
        return new WarmStartReport(sourceText, copied ? copies.Count : 0, !copied, notCopied);
    }
}
