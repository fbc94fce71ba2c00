using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Attune.Search;

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

    /// <summary>The best completed trial (the first of equals), with a value that is never null.</summary>
    /// <exception cref="InvalidOperationException">No trial completed.</exception>
    public CompletedTrial<T> Best
    {
        get
        {
            TrialResult<T>? best = null;
            double bestValue = 0;
            foreach (var trial in Trials)
            {
                if (trial.State != TrialState.Complete || trial.Value is not { } value) continue;
                if (best is null || (Direction == Direction.Maximize ? value > bestValue : value < bestValue)) (best, bestValue) = (trial, value);
            }
            return best is null
                ? throw new InvalidOperationException($"Study '{StudyName}' has no completed trial ({Trials.Count} trials in all).")
                : new CompletedTrial<T>(best.Number, best.Parameters, bestValue, best.Intermediate, best.Duration);
        }
    }

    /// <summary>One line a person reads: the study, its trials by state and the best trial.</summary>
    public override string ToString()
    {
        var states = string.Join(", ", Trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        string best = Trials.Any(t => t.State == TrialState.Complete && t.Value is not null) ? "; best " + Best : "; no completed trial";
        return $"study '{StudyName}' ({Direction.ToString().ToLowerInvariant()}): {Trials.Count} trials ({(states.Length == 0 ? "none" : states)}){(Cancelled ? ", cancelled" : "")}{(TimedOut ? ", timed out" : "")}{best}";
    }
}

/// <summary>The sweep driver every generated <c>RunSweep</c> calls.</summary>
/// <remarks>
/// The study lives in <see cref="SweepOptions.Storage"/> (by default the SQLite file "attune-studies.db"): running the
/// same sweep again resumes it. Trials that count toward <see cref="SweepOptions.Trials"/> are Complete and Pruned ones
/// (a pruned trial is a finished, deliberately short evaluation); Failed ones do not. A trial cut short by cancellation or
/// the timeout is recorded as Failed with <see cref="TrialResult{T}.Failure"/> <see cref="TrialFailure.Cancelled"/> and does not count toward
/// <see cref="SweepOptions.MaxFailedTrials"/>; cancellation and timeout end the sweep normally, with
/// <see cref="SweepResult{T}.Cancelled"/> or <see cref="SweepResult{T}.TimedOut"/> set.
/// </remarks>
public static partial class Sweep
{
    /// <summary>Runs trials until the study holds <see cref="SweepOptions.Trials"/> completed ones (earlier runs count),
    /// the timeout passes, the token fires, or too many trials fail.</summary>
    /// <exception cref="ArgumentException">The options are not valid (every problem is listed).</exception>
    /// <exception cref="SpaceChangedException">The study exists with a different search space.</exception>
    /// <exception cref="InvalidOperationException">More than <see cref="SweepOptions.MaxFailedTrials"/> trials failed.</exception>
    public static SweepResult<T> Run<T>(Func<Trial<T>, double> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
        => Run(objective, options, sampler: null, pruner: null, storage: null, progress, logger, cancellationToken);

    /// <summary>As <see cref="Run{T}(Func{Trial{T}, double}, SweepOptions, IProgress{SweepProgress}?, ILogger?, CancellationToken)"/> with an asynchronous objective.</summary>
    public static Task<SweepResult<T>> RunAsync<T>(Func<Trial<T>, Task<double>> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
        => RunAsync(objective, options, sampler: null, pruner: null, storage: null, progress, logger, cancellationToken);

    /// <summary>
    /// As <see cref="Run{T}(Func{Trial{T}, double}, SweepOptions, IProgress{SweepProgress}?, ILogger?, CancellationToken)"/>
    /// with your own sampler, pruner or storage; a null one is taken from <paramref name="options"/>. A storage passed
    /// here is not disposed.
    /// </summary>
    public static SweepResult<T> Run<T>(Func<Trial<T>, double> objective, SweepOptions options, ISampler? sampler, IPruner? pruner = null, IStudyStorage? storage = null,
        IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return RunAsync<T>(trial => Task.FromResult(objective(trial)), options, sampler, pruner, storage, progress, logger, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>As <see cref="RunAsync{T}(Func{Trial{T}, Task{double}}, SweepOptions, IProgress{SweepProgress}?, ILogger?, CancellationToken)"/>
    /// with your own sampler, pruner or storage; a null one is taken from <paramref name="options"/>. A storage passed
    /// here is not disposed.</summary>
    public static async Task<SweepResult<T>> RunAsync<T>(Func<Trial<T>, Task<double>> objective, SweepOptions options, ISampler? sampler, IPruner? pruner = null, IStudyStorage? storage = null,
        IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T>
    {
        SweepProfile.Mark("run entered");
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("The sweep options are not valid:\n" + string.Concat(problems.Select(p => "  - " + p + "\n")).TrimEnd('\n'), nameof(options));
        // What the study is run with, recorded with it: a rerun with other settings is told (not refused: samplers only
        // read the stored trials, so a study may well be continued with another one, as Optuna allows).
        string settings = $"sampler {(sampler is null ? options.Sampler.ToString() : sampler.GetType().Name)}, " +
                          $"pruner {(pruner is null ? options.Pruner.ToString() : pruner.GetType().Name)}, seed {options.Seed}";
        sampler ??= SweepAlgorithms.CreateSampler(options);
        pruner ??= SweepAlgorithms.CreatePruner(options);
        SweepProfile.Mark("options checked");
        var owned = storage is null ? StudyStorage.Open(options.Storage) : null;
        SweepProfile.Mark("storage opened");
        try
        {
            progress ??= options.ConsoleProgress ? new ConsoleSweepProgress() : null;
            var driver = new SweepDriver<T>(objective, options, sampler, pruner, storage ?? owned!, progress, logger) { Settings = settings };
            return await driver.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
