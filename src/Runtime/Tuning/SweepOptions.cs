using System;
using System.Collections.Generic;

namespace Attune;

/// <summary>Every knob of a sweep; generated <c>DefaultSweepOptions</c> hold the <c>[TuneSpace]</c> attribute's values.</summary>
public sealed record SweepOptions
{
    /// <summary>Completed trials to reach, counting those of earlier runs of the same study.</summary>
    public int Trials { get; init; } = 20;
    /// <summary>Wall-clock limit for this run; null means none.</summary>
    public TimeSpan? Timeout { get; init; }
    public Direction Direction { get; init; } = Direction.Auto;
    public Sampler Sampler { get; init; } = Sampler.Tpe;
    public Pruner Pruner { get; init; } = Pruner.None;
    /// <summary>The step of the pruner's first decision (ASHA's first rung; the Median pruner's warm-up steps).</summary>
    public int PrunerMinResource { get; init; } = 1;
    /// <summary>ASHA's reduction factor η.</summary>
    public int PrunerReductionFactor { get; init; } = 3;
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
    /// <summary>Whether a worker creates its next trial while the current one runs (<see cref="Attune.CreateAhead"/>).</summary>
    public CreateAhead CreateAhead { get; init; } = CreateAhead.Auto;

    /// <summary>Problems with these options, each naming the option, the value found and what is expected.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Trials <= 0) errors.Add($"Trials is {Trials}; expected at least 1.");
        if (Timeout is { } t && t <= TimeSpan.Zero) errors.Add($"Timeout is {t}; expected a positive time or null.");
        if (Direction == Direction.Auto) errors.Add("Direction is Auto; expected Maximize or Minimize (a sweep's objective has no known direction).");
        if (!Enum.IsDefined(Sampler)) errors.Add($"Sampler is {Sampler}; expected Tpe, Random or Grid.");
        if (!Enum.IsDefined(Pruner)) errors.Add($"Pruner is {Pruner}; expected None, Median or Asha.");
        if (PrunerMinResource < 1) errors.Add($"PrunerMinResource is {PrunerMinResource}; expected at least 1.");
        if (PrunerReductionFactor < 2) errors.Add($"PrunerReductionFactor is {PrunerReductionFactor}; expected at least 2.");
        if (Seed < -1) errors.Add($"Seed is {Seed}; expected -1 (unseeded) or at least 0.");
        if (Workers <= 0) errors.Add($"Workers is {Workers}; expected at least 1.");
        if (MaxFailedTrials < -1) errors.Add($"MaxFailedTrials is {MaxFailedTrials}; expected -1 (no limit) or at least 0.");
        if (!Enum.IsDefined(CreateAhead)) errors.Add($"CreateAhead is {CreateAhead}; expected Auto, Always or Never.");
        return errors;
    }
}

