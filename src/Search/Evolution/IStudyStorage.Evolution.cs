using System;
using System.Collections.Generic;

namespace Attune.Search;

// The study features of "studies that evolve" (issue #14, item 6): a queue of configurations to run first, recorded
// space migrations, and trials copied from another study. Kept in their own part of the interface so a storage sees
// them together; each has a default that says the storage does not support it, so a storage of another package keeps
// compiling and fails with a sentence, not a MissingMethodException.
public partial interface IStudyStorage
{
    /// <summary>Appends a configuration (internal values, already checked against the study's space) to the study's
    /// queue; a worker runs queued configurations, in order, before anything is sampled (each exactly once: it is
    /// claimed in the transaction that creates its trial, <see cref="NewTrial.Queued"/>).</summary>
    QueuedTrial Enqueue(long studyId, double[] values)
        => throw new NotSupportedException($"{Location} keeps no queue of configurations (this storage was written before Attune's schema version 4).");

    /// <summary>The study's queue, in order: entries still waiting (<see cref="QueuedTrial.TrialNumber"/> null) and those
    /// already run.</summary>
    IReadOnlyList<QueuedTrial> ReadQueue(long studyId) => Array.Empty<QueuedTrial>();

    /// <summary>
    /// Changes the study's space to <paramref name="space"/> in one transaction, if its fingerprint is still
    /// <paramref name="fromFingerprint"/>: every trial's and every waiting queue entry's values become
    /// <paramref name="remap"/> of the old ones (so they are read in the new space), the study's space text and
    /// fingerprint become the new space's, and <paramref name="migration"/> is recorded. Returns false (and changes
    /// nothing) when the study's fingerprint is no longer <paramref name="fromFingerprint"/>: another worker migrated it.
    /// </summary>
    bool MigrateSpace(long studyId, string fromFingerprint, SearchSpace space, Func<IReadOnlyList<double>, double[]> remap, SpaceMigration migration)
        => throw new NotSupportedException($"{Location} cannot change a study's space (this storage was written before Attune's schema version 4).");

    /// <summary>The study's recorded space migrations, oldest first.</summary>
    IReadOnlyList<SpaceMigration> ReadMigrations(long studyId) => Array.Empty<SpaceMigration>();

    /// <summary>
    /// Adds <paramref name="trials"/> (copied from another study, <paramref name="source"/>) to the study as finished
    /// trials numbered after its own, in one transaction; does nothing and returns false when trials copied from
    /// <paramref name="source"/> are already there (so two workers warm-starting at once copy them once).
    /// </summary>
    bool CopyTrials(long studyId, string source, IReadOnlyList<CopiedTrial> trials)
        => throw new NotSupportedException($"{Location} cannot copy trials between studies (this storage was written before Attune's schema version 4).");
}
