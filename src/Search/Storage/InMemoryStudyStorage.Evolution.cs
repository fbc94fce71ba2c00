using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

// The queue, space migrations and copied trials (IStudyStorage.Evolution.cs), under the storage's one lock.
public sealed partial class InMemoryStudyStorage
{
    private long nextQueueId = 1;

    public QueuedTrial Enqueue(long studyId, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (gate)
        {
            var study = GetStudy(studyId);
            var entry = new QueuedTrial(nextQueueId++, (double[])values.Clone(), Clock(), null);
            study.Queue.Add(entry);
            return entry;
        }
    }

    public IReadOnlyList<QueuedTrial> ReadQueue(long studyId)
    {
        lock (gate) return GetStudy(studyId).Queue.ToList();
    }

    /// <summary>Marks a queue entry as run by trial <paramref name="number"/> (caller holds the lock).</summary>
    private static void Claim(Study study, long queued, int number)
    {
        int k = study.Queue.FindIndex(q => q.Id == queued);
        if (k < 0 || study.Queue[k].TrialNumber is not null)
            throw new InvalidOperationException($"Queue entry {queued} of study '{study.Info.Name}' is gone or already run; a trial is created for a queue entry only in the step that read it.");
        study.Queue[k] = study.Queue[k] with { TrialNumber = number };
    }

    public bool MigrateSpace(long studyId, string fromFingerprint, SearchSpace space, Func<IReadOnlyList<double>, double[]> remap, SpaceMigration migration)
    {
        lock (gate)
        {
            var study = GetStudy(studyId);
            if (study.Info.Fingerprint != fromFingerprint) return false;
            // Everything is computed before anything changes: a remap that throws leaves the study as it was.
            var values = study.Trials.Select(r => remap(r.Values)).ToList();
            var queue = study.Queue.Select(q => q.TrialNumber is null ? q with { Values = remap(q.Values) } : q).ToList();
            for (int k = 0; k < values.Count; k++)
            {
                study.Trials[k].Values = values[k];
                study.Trials[k].Seq = ++study.Seq;   // a worker's cache reads the rewritten values as changes
            }
            study.Queue.Clear();
            study.Queue.AddRange(queue);
            study.Info = study.Info with { Fingerprint = space.Fingerprint, SpaceText = StudyCodec.SpaceText(space) };
            study.Migrations.Add(migration);
            return true;
        }
    }

    public IReadOnlyList<SpaceMigration> ReadMigrations(long studyId)
    {
        lock (gate) return GetStudy(studyId).Migrations.ToList();
    }

    public bool CopyTrials(long studyId, string source, IReadOnlyList<CopiedTrial> copies)
    {
        ArgumentNullException.ThrowIfNull(copies);
        lock (gate)
        {
            var study = GetStudy(studyId);
            if (!study.Copies.Add(source)) return false;
            foreach (var c in copies)
            {
                var row = new Row
                {
                    Id = nextTrialId++, Number = study.Trials.Count, Values = c.Values.ToArray(), Study = study, State = c.State,
                    Value = c.Value, Started = c.Started, Finished = c.Finished ?? c.Started, Heartbeat = c.Finished ?? c.Started, Error = c.Error,
                    Failure = c.State == TrialState.Failed ? c.Failure ?? TrialFailure.Error : null, CopiedFrom = c.CopiedFrom, Seq = ++study.Seq,
                    Objectives = c.Objectives?.ToArray(), Constraints = c.Constraints?.ToArray(),
                };
                foreach (var (step, v) in c.Intermediate) row.Intermediate[step] = v;
                study.Trials.Add(row);
                trials.Add(row.Id, row);
            }
            return true;
        }
    }
}
