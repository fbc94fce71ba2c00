using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// This worker's copy of a study's trials, shared by its in-process workers. <see cref="Refresh"/> fetches only the
/// trials changed since the last read (by <see cref="StoredTrial.UpdatedSeq"/>), so its cost does not grow with the
/// number of trials in the study.
/// </summary>
internal sealed class StudyCache
{
    private readonly IStudyStorage storage;
    private readonly long studyId;
    private readonly object gate = new();
    private readonly List<StoredTrial?> byNumber = new();
    private readonly List<FrozenTrial?> frozen = new();
    private FrozenTrial[]? history;   // the last History() result, reused until something changes
    private readonly Direction direction;
    private (double Value, int Number)? best;
    private long seq;
    private int finished, running;

    public StudyCache(IStudyStorage storage, long studyId, Direction direction)
    {
        this.storage = storage;
        this.studyId = studyId;
        this.direction = direction;
    }

    public void Refresh()
    {
        // Read the storage without holding the cache's lock: a worker creating a trial holds the storage's lock and
        // then refreshes this cache, so taking the locks in the other order here would deadlock.
        Apply(storage.GetTrialsChangedSince(studyId, Seq));
    }

    /// <summary>The sequence number to read changes after (everything up to it is in this cache).</summary>
    public long Seq
    {
        get { lock (gate) return seq; }
    }

    /// <summary>Takes in changes read from the storage after <see cref="Seq"/> (by <see cref="Refresh"/>, or by
    /// <see cref="IStudyStorage.FinishAndCreate"/> in the same round trip as a write).</summary>
    public void Apply(TrialChanges changes)
    {
        lock (gate)
        {
            foreach (var t in changes.Trials)
            {
                while (byNumber.Count <= t.Number) { byNumber.Add(null); frozen.Add(null); }
                if (byNumber[t.Number] is { } old)
                {
                    // Two refreshes can overlap; never let an older read overwrite a newer one.
                    if (old.UpdatedSeq >= t.UpdatedSeq) continue;
                    Count(old, -1);
                }
                byNumber[t.Number] = t;
                frozen[t.Number] = t.ToFrozen();
                Count(t, +1);
                if (t is { State: TrialState.Complete, Value: { } v } && (best is null || (direction == Direction.Maximize ? v > best.Value.Value : v < best.Value.Value)))
                    best = (v, t.Number);
                history = null;
            }
            if (changes.LastSeq > seq) seq = changes.LastSeq;
        }
    }

    /// <summary>
    /// Takes in this worker's own result before storage returns it (a storage may commit it together with the next
    /// trial's creation): the trial's state, value and error change here at once; the stored version, which has a higher
    /// <see cref="StoredTrial.UpdatedSeq"/>, replaces it when a later read brings it. Does nothing unless the cache holds
    /// the trial as Running.
    /// </summary>
    public void ApplyOwn(TrialOutcome outcome, int number)
    {
        lock (gate)
        {
            if (number >= byNumber.Count || byNumber[number] is not { } old || old.Id != outcome.TrialId || old.State != TrialState.Running) return;
            double? value = outcome.Value is { } v && double.IsFinite(v) ? v : null;
            var t = old with { State = outcome.State, Value = value, Error = outcome.Error, Failure = outcome.StoredFailure, Finished = outcome.Finished ?? DateTimeOffset.UtcNow, Started = outcome.Started ?? old.Started };
            Count(old, -1);
            byNumber[number] = t;
            frozen[number] = t.ToFrozen();
            Count(t, +1);
            if (t is { State: TrialState.Complete, Value: { } w } && (best is null || (direction == Direction.Maximize ? w > best.Value.Value : w < best.Value.Value)))
                best = (w, t.Number);
            history = null;
        }
    }

    /// <summary>
    /// Takes in a trial this worker just created, as the storage returned it, without moving <see cref="Seq"/> (other
    /// workers' changes before it may not be read yet). So the next decision counts it, and <see cref="ApplyOwn"/> can
    /// record its result even where no read has brought it back (a storage that commits the result with the next
    /// creation, PostgreSQL, never reads it before deciding).
    /// </summary>
    public void AddOwn(StoredTrial created)
    {
        lock (gate)
        {
            while (byNumber.Count <= created.Number) { byNumber.Add(null); frozen.Add(null); }
            if (byNumber[created.Number] is { } old)
            {
                if (old.UpdatedSeq >= created.UpdatedSeq) return;
                Count(old, -1);
            }
            byNumber[created.Number] = created;
            frozen[created.Number] = created.ToFrozen();
            Count(created, +1);
            history = null;
        }
    }

    private void Count(StoredTrial t, int delta)
    {
        // Trials copied from another study (a warm start) inform the sampler but are not this study's runs.
        if (t.CopiedFrom is not null) return;
        if (t.State == TrialState.Running) running += delta;
        else if (t.State is TrialState.Complete or TrialState.Pruned) finished += delta;
    }

    /// <summary>Trials that count toward the target (Complete and Pruned), and Running ones, of every worker.</summary>
    public (int Finished, int Running) Counts()
    {
        lock (gate) return (finished, running);
    }

    /// <summary>Every trial, as samplers and pruners see them, by number.</summary>
    public FrozenTrial[] History()
    {
        lock (gate)
        {
            if (history is not null) return history;
            var list = new List<FrozenTrial>(frozen.Count);
            foreach (var t in frozen) if (t is not null) list.Add(t);
            return history = list.ToArray();
        }
    }

    /// <summary>Every stored trial, by number.</summary>
    public List<StoredTrial> Trials()
    {
        lock (gate)
        {
            var list = new List<StoredTrial>(byNumber.Count);
            foreach (var t in byNumber) if (t is not null) list.Add(t);
            return list;
        }
    }

    /// <summary>The best Complete trial's (value, number), or null.</summary>
    public (double Value, int Number)? Best()
    {
        lock (gate) return best;
    }
}
