using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>Every knob of a sweep; generated <c>DefaultSweepOptions</c> hold the <c>[TuneSpace]</c> attribute's values.</summary>
public sealed record SweepOptions
{
    /// <summary>Completed trials to reach, counting those of earlier runs of the same study.</summary>
    public int Trials { get; init; } = 20;
    /// <summary>
    /// Wall-clock limit for this run; null means none. When it passes, no new trial starts and every running trial's
    /// <see cref="Trial{T}.CancellationToken"/> fires; a trial that returns within <see cref="CancellationGrace"/> is
    /// stored (as "cancelled:" if it threw <see cref="OperationCanceledException"/>, else with its result). One that does
    /// not is stored as Failed, "cancelled: ... did not return", and the sweep returns without it: so a sweep ends at most
    /// Timeout + CancellationGrace (+ a storage write) after it began, whatever the objective does.
    /// </summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>
    /// Wall-clock limit for each trial; null means none. Past it the trial's <see cref="Trial{T}.CancellationToken"/>
    /// fires, and the trial is stored as Failed with an error starting "timeout:" (it counts toward
    /// <see cref="MaxFailedTrials"/>, and is not retried). With a limit, each trial's objective runs on a thread of its
    /// own, so that a trial that ignores its token for longer than <see cref="CancellationGrace"/> can be left behind
    /// (still running, in the background; its result and reports are discarded) while the sweep goes on.
    /// </summary>
    public TimeSpan? TrialTimeout { get; init; }
    /// <summary>
    /// How long a cancelled trial (by <see cref="Timeout"/>, <see cref="TrialTimeout"/> or the caller's token) is waited
    /// for before the sweep gives up on it; default 30 s; null waits as long as the objective takes. .NET cannot stop a
    /// thread, so an objective that never looks at its token keeps running in the background after that (the process
    /// can still exit: the thread is a background one); nothing it does afterwards reaches the study.
    /// </summary>
    public TimeSpan? CancellationGrace { get; init; } = TimeSpan.FromSeconds(30);
    public Direction Direction { get; init; } = Direction.Auto;
    public Sampler Sampler { get; init; } = Sampler.Tpe;
    public Pruner Pruner { get; init; } = Pruner.None;
    /// <summary>The step of the pruner's first decision (ASHA's first rung; the Median pruner's warm-up steps).</summary>
    public int PrunerMinResource { get; init; } = 1;
    /// <summary>ASHA's reduction factor η.</summary>
    public int PrunerReductionFactor { get; init; } = 3;
    /// <summary>Hyperband's maximum resource R: the step at which a trial is complete (no pruning at or past it), above
    /// <see cref="PrunerMinResource"/>; 0 is auto, the largest step any completed trial has reported.</summary>
    public int PrunerMaxResource { get; init; } = 0;
    /// <summary>-1 leaves the sampler unseeded.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>Trials run at once in this process.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>The study's name in storage; null means the space's name.</summary>
    public string? StudyName { get; init; }
    /// <summary>A SQLite file path (default "attune-studies.db"), ":memory:", or a connection string.</summary>
    public string? Storage { get; init; }
    /// <summary>Failed trials tolerated in this run before the sweep stops with an error; -1 for no limit.</summary>
    public int MaxFailedTrials { get; init; } = 10;
    /// <summary>Whether a trial failed as abandoned (its worker stopped or fell silent) is run again once, as a new trial
    /// with the same parameters, before anything new is sampled. A retry that is abandoned in turn is not retried.</summary>
    public bool RetryAbandoned { get; init; }
    /// <summary>How long another worker's Running trial may go without a heartbeat before any live worker fails it as
    /// abandoned (its worker stopped: a crash, a lost machine); null means the ATTUNE_STALE_TRIAL_SECONDS environment
    /// variable, else 2 minutes. Heartbeats are written every 10 s or a quarter of this, whichever is shorter. A worker
    /// of this machine that is gone is seen at once, without waiting for this.</summary>
    public TimeSpan? AbandonAfter { get; init; }
    /// <summary>Whether a worker creates its next trial while the current one runs (<see cref="Attune.CreateAhead"/>).</summary>
    public CreateAhead CreateAhead { get; init; } = CreateAhead.Auto;
    /// <summary>When no progress receiver is given, write the start line (study, storage, created or resumed) and live
    /// progress to standard output (<see cref="ConsoleSweepProgress"/>: one redrawn line on a terminal, a plain line every
    /// 10 s when redirected). False: nothing is written. The start line also goes to the logger, if any, either way.</summary>
    public bool ConsoleProgress { get; init; } = true;
    /// <summary>The explicit opt-in to run an existing study whose space differs from this sweep's: the study is migrated
    /// (its trials kept, their values rewritten by parameter name) and the migration recorded, as
    /// <see cref="Attune.Search.SpaceChange"/> describes. Null (the default): a changed space is refused with
    /// <see cref="SpaceChangedException"/>.</summary>
    public SpaceChange? SpaceChange { get; init; }
    /// <summary>A study whose finished trials start this one: those that fit this sweep's space are copied in (once, with
    /// their values, states, intermediate values and a note of where they came from), so samplers use them; the others
    /// are counted, with why, on the start line and in the log. Copied trials do not count toward <see cref="Trials"/>.
    /// <see cref="SpaceChange"/>'s defaults and narrowing apply to the copy too.</summary>
    public string? WarmStartFrom { get; init; }
    /// <summary>Where <see cref="WarmStartFrom"/> is, named as <see cref="Storage"/> is; null: the same storage as this study.</summary>
    public string? WarmStartStorage { get; init; }

    /// <summary>Problems with these options, each naming the option, the value found and what is expected.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Trials <= 0) errors.Add($"Trials is {Trials}; expected at least 1.");
        if (Timeout is { } t && t <= TimeSpan.Zero) errors.Add($"Timeout is {t}; expected a positive time or null.");
        if (AbandonAfter is { } aa && aa <= TimeSpan.Zero) errors.Add($"AbandonAfter is {aa}; expected a positive time or null (the environment's or 2 minutes).");
        if (TrialTimeout is { } tt && tt <= TimeSpan.Zero) errors.Add($"TrialTimeout is {tt}; expected a positive time or null.");
        if (CancellationGrace is { } g && g < TimeSpan.Zero) errors.Add($"CancellationGrace is {g}; expected zero or a positive time, or null (wait as long as it takes).");
        if (Direction == Direction.Auto) errors.Add("Direction is Auto; expected Maximize or Minimize (a sweep's objective has no known direction).");
        if (!Enum.IsDefined(Sampler)) errors.Add($"Sampler is {Sampler}; expected Tpe, Random, Grid, Gp, CmaEs, QuasiRandom or Nsga2.");
        if (!Enum.IsDefined(Pruner)) errors.Add($"Pruner is {Pruner}; expected None, Median, Asha or Hyperband.");
        if (PrunerMinResource < 1) errors.Add($"PrunerMinResource is {PrunerMinResource}; expected at least 1.");
        if (PrunerReductionFactor < 2) errors.Add($"PrunerReductionFactor is {PrunerReductionFactor}; expected at least 2.");
        if (PrunerMaxResource < 0) errors.Add($"PrunerMaxResource is {PrunerMaxResource}; expected 0 (auto: the largest step a completed trial reported) or a step above PrunerMinResource ({PrunerMinResource}).");
        else if (PrunerMaxResource != 0 && PrunerMaxResource <= PrunerMinResource)
            errors.Add($"PrunerMaxResource is {PrunerMaxResource}, not above PrunerMinResource ({PrunerMinResource}); expected 0 (auto) or a step above it, since no rung lies below R ≤ r.");
        if (Seed < -1) errors.Add($"Seed is {Seed}; expected -1 (unseeded) or at least 0.");
        if (Workers <= 0) errors.Add($"Workers is {Workers}; expected at least 1.");
        if (StudyName is { } name && string.IsNullOrWhiteSpace(name)) errors.Add($"StudyName is \"{name}\"; expected a name with at least one visible character, or null (the space's name).");
        if (MaxFailedTrials < -1) errors.Add($"MaxFailedTrials is {MaxFailedTrials}; expected -1 (no limit) or at least 0.");
        if (WarmStartFrom is { } from && string.IsNullOrWhiteSpace(from)) errors.Add($"WarmStartFrom is \"{from}\"; expected the name of a study, or null.");
        if (WarmStartStorage is not null && WarmStartFrom is null) errors.Add("WarmStartStorage is set but WarmStartFrom is null; expected the name of the study to warm-start from.");
        if (!Enum.IsDefined(CreateAhead)) errors.Add($"CreateAhead is {CreateAhead}; expected Auto, Always or Never.");
        return errors;
    }
}

