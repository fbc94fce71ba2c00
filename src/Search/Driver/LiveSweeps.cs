using System;
using System.Collections.Concurrent;

namespace Attune.Search;

/// <summary>A sweep running in this process, as <see cref="LiveSweeps"/> sees it.</summary>
internal interface ILiveSweep
{
    /// <summary>Whether this sweep runs (or holds, created ahead) the trial <paramref name="trialId"/> of the study
    /// <paramref name="studyId"/> in the storage at <paramref name="location"/>.</summary>
    bool Holds(string location, long studyId, long trialId);
}

/// <summary>
/// The sweeps running in this process. A Running trial written by this very process that none of them holds was left
/// by an earlier sweep of this process that stopped with an error (a full disk, a lost database) before it could store
/// it: nobody will finish it, so a rerun in the same process need not wait for the grace period either.
/// </summary>
internal static class LiveSweeps
{
    private static readonly ConcurrentDictionary<ILiveSweep, byte> sweeps = new();

    public static IDisposable Register(ILiveSweep sweep)
    {
        sweeps[sweep] = 0;
        return new Registration(sweep);
    }

    /// <summary>Whether any sweep of this process holds the trial.</summary>
    public static bool Hold(string location, long studyId, long trialId)
    {
        foreach (var sweep in sweeps.Keys)
            if (sweep.Holds(location, studyId, trialId)) return true;
        return false;
    }

    private sealed class Registration(ILiveSweep sweep) : IDisposable
    {
        public void Dispose() => sweeps.TryRemove(sweep, out _);
    }
}
