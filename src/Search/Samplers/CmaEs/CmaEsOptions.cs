namespace Attune.Search;

/// <summary>Settings of <see cref="CmaEsSampler"/>. The defaults are Hansen's ("The CMA Evolution Strategy: A
/// Tutorial", 2016) apart from the start, which a bounded search space fixes.</summary>
public sealed record CmaEsOptions
{
    /// <summary>The initial step size in the unit cube the numeric parameters are scaled to. From the centre, m ± 2.5σ0
    /// spans the whole cube, so the first generations see every part of the space while few samples fall outside it.
    /// Hansen suggests up to 0.3 of the range for a box; sweeps have budgets of tens to hundreds of trials, where a
    /// smaller start converges sooner. On the SweepBench quality benchmark (100 trials, seeds 0..59, median regret) 0.2
    /// beat 0.3 on Branin, Hartmann-6 and the mixed space, and Optuna's 1/6 on Hartmann-6 and the mixed space (1/6 won
    /// on Branin).</summary>
    public double InitialSigma { get; init; } = 0.2;

    /// <summary>λ, the trials per generation; 0 means Hansen's default 4 + ⌊3 ln D⌋ (D numeric parameters).</summary>
    public int PopulationSize { get; init; }

    /// <summary>Trials drawn quasi-randomly (<see cref="QuasiRandomSampler"/>) before CMA-ES starts; CMA-ES then starts
    /// from the best of them instead of the centre of the space. 0 (default) starts at the centre at once.</summary>
    public int StartupTrials { get; init; }

    /// <summary>IPOP restarts (Auger and Hansen 2005): when the search has converged — the step size collapsed, the
    /// covariance became degenerate, or the values stopped changing — start again with twice the population, from a new
    /// well-spread point, so the remaining budget explores other basins instead of resampling one point.</summary>
    public bool Restarts { get; init; } = true;

    /// <summary>How often a sample that falls outside the unit cube is drawn again before it is clipped to the cube.
    /// Resampling keeps the distribution's shape; clipping alone would pile samples onto the bounds.</summary>
    public int MaxResamples { get; init; } = 100;
}
