namespace Attune.Search;

/// <summary>Settings of <see cref="CmaEsSampler"/>. The defaults are Hansen's ("The CMA Evolution Strategy: A
/// Tutorial", 2016) apart from the start, which a bounded search space fixes.</summary>
public sealed record CmaEsOptions
{
    /// <summary>The initial step size in the unit cube the numeric parameters are scaled to. 0.3 follows Hansen's advice
    /// for a box [a, b] (σ0 ≈ 0.3 (b − a)): from the centre, m ± 2σ0 then spans most of every range, so the first
    /// generations see the whole space without most samples falling outside it.</summary>
    public double InitialSigma { get; init; } = 0.3;

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
