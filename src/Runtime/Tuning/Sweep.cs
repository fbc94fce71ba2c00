using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Attune;

/// <summary>What a sweep did: every trial of the study (earlier runs included) with typed parameters.</summary>
public sealed class SweepResult<T>
{
    public SweepResult(string studyName, Direction direction, IReadOnlyList<TrialResult<T>> trials, bool cancelled, bool timedOut)
    {
        StudyName = studyName;
        Direction = direction;
        Trials = trials;
        Cancelled = cancelled;
        TimedOut = timedOut;
    }

    public string StudyName { get; }
    public Direction Direction { get; }
    public IReadOnlyList<TrialResult<T>> Trials { get; }
    public bool Cancelled { get; }
    public bool TimedOut { get; }

    /// <summary>The best completed trial.</summary>
    /// <exception cref="InvalidOperationException">No trial completed.</exception>
    public TrialResult<T> Best
    {
        get
        {
            TrialResult<T>? best = null;
            foreach (var trial in Trials)
            {
                if (trial.State != TrialState.Complete || trial.Value is not { } value) continue;
                if (best is null || (Direction == Direction.Maximize ? value > best.Value : value < best.Value)) best = trial;
            }
            return best ?? throw new InvalidOperationException($"Study '{StudyName}' has no completed trial ({Trials.Count} trials in all).");
        }
    }
}

/// <summary>The sweep driver every generated <c>RunSweep</c> calls.</summary>
public static partial class Sweep
{
    /// <summary>Runs trials until the study holds <see cref="SweepOptions.Trials"/> completed ones (earlier runs count),
    /// the timeout passes, the token fires, or too many trials fail.</summary>
    public static SweepResult<T> Run<T>(Func<Trial<T>, double> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
        => throw new NotImplementedException();

    /// <summary>As <see cref="Run{T}"/> with an asynchronous objective.</summary>
    public static Task<SweepResult<T>> RunAsync<T>(Func<Trial<T>, Task<double>> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
        => throw new NotImplementedException();
}
