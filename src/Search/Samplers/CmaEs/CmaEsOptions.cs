namespace Attune.Search;

/// <summary>Settings of <see cref="CmaEsSampler"/>. The defaults are Hansen's ("The CMA Evolution Strategy: A
/// Tutorial", 2016) apart from the start, which a bounded search space fixes.</summary>
public sealed record CmaEsOptions
{
    /// <summary>The initial step size in the unit cube the numeric parameters are scaled to: 1/6, so that from the centre
    /// m ± 3σ0 spans the whole cube (Optuna's choice too). Measured on the search suite (bench/run-search-suite.sh, 20
    /// seeds, median regret at 100 / 200 trials): against 0.2, 1/6 is better on Ackley-10 (11.1 / 6.39 vs 13.0 / 7.70),
    /// Levy-10 (3.46 / 1.15 vs 4.84 / 1.60), Branin and Styblinski-Tang-10 at 200 (81.5 vs 100), and level or slightly
    /// worse on Hartmann-6 at 200 (0.035 vs 0.029) and Rosenbrock-10 at 200 (481 vs 446); 0.3 was worse everywhere. On the
    /// 2–6-parameter quality benchmark alone 0.2 had looked better (docs/benchmarks.md), which is why the 10-parameter
    /// problems decided.</summary>
    public double InitialSigma { get; init; } = 1.0 / 6;

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
