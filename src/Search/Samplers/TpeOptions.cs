using System;

namespace Attune.Search;

/// <summary>Settings of <see cref="TpeSampler"/>. The defaults follow the ablations in Watanabe 2023 ("Tree-structured
/// Parzen Estimator: Understanding Its Algorithm Components") where they matter most: multivariate kernels, a small
/// good fraction, a uniform prior component and a bandwidth floor.</summary>
public sealed record TpeOptions
{
    /// <summary>Random samples until this many trials finished (completed or pruned): the estimators need data.</summary>
    public int StartupTrials { get; init; } = 10;

    /// <summary>How the start-up trials are drawn: independently at random (the default), or as points of a scrambled
    /// Sobol sequence (<see cref="QuasiRandomSampler"/>), which covers the space more evenly. Measured on the SweepBench
    /// quality benchmark over 100 seeds (docs/benchmarks.md, "Sweeps"): quasi-random lowers the median regret on the
    /// mixed space at 25, 50 and 100 trials (by 58 %, 20 %, 25 %) and on Hartmann-6 at 25 and 100, but raises it on
    /// Branin at 25 and 50 trials (by 10 %, 35 %), so it is not the default: a default should not lose where the old one
    /// won.</summary>
    public TpeStartup Startup { get; init; } = TpeStartup.Random;

    /// <summary>Seeds the Sobol scramble of a <see cref="TpeStartup.QuasiRandom"/> start-up; -1 takes the sweep's seed
    /// (<see cref="Samplers.Create"/>), or, unseeded, one derived from the space.</summary>
    public long StartupSeed { get; init; } = -1;

    /// <summary>Candidates drawn from l(x) per proposal; the one with the largest l(x)/g(x) wins. More is greedier.</summary>
    public int Candidates { get; init; } = 24;

    /// <summary>How many of n ranked trials form the good set; clamped to [1, n - 1] when n ≥ 2.</summary>
    public Func<int, int> Gamma { get; init; } = DefaultGamma;

    /// <summary>Weight of the uniform prior component in both estimators (each trial weighs 1): keeps exploring. It also
    /// smooths each categorical kernel: of n observations, a kernel weighs its own choice 1 + w and every choice w,
    /// w = PriorWeight / (n + 1) (at least 0.001 / (n + 1), so no choice gets density 0).</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>How numeric kernel bandwidths are chosen (see <see cref="TpeBandwidth"/>). Default: each good trial's
    /// kernel is as wide as the spacing to its nearest other good trial (adaptive, <see cref="AdaptiveGoodOnly"/>), so
    /// good trials in separate basins (Branin's three minima) each keep a narrow kernel; g(x) keeps Scott's rule.
    /// Chosen on the SweepBench quality benchmark (docs/benchmarks.md, "Sweeps").</summary>
    public TpeBandwidth Bandwidth { get; init; } = TpeBandwidth.NearestNeighbour;

    /// <summary>With an adaptive <see cref="Bandwidth"/>: adapt only the good estimator l(x) (true) or both (false).</summary>
    public bool AdaptiveGoodOnly { get; init; } = true;

    /// <summary>Multiplies the bandwidths (Scott's rule and the adaptive rules); above 1 explores more.</summary>
    public double BandwidthFactor { get; init; } = 1.0;

    /// <summary>Bandwidth floor as a fraction of a parameter's range, applied as range / min(1 / this, n + 1) (the
    /// "magic clip"): a few good points close together must not collapse l(x) to spikes.</summary>
    public double MinBandwidthFraction { get; init; } = 0.01;

    /// <summary>Joint kernels over all parameters (true) or one independent TPE per parameter (false).</summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>Running trials join the bad set as if they had returned the worst value, so parallel workers spread out.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>min(ceil(0.1 n), 25): the top 10%, at most 25 trials.</summary>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>min(ceil(0.25 √n), 25): hyperopt's rule, greedier as studies grow.</summary>
    public static int SqrtGamma(int n) => Math.Min((int)Math.Ceiling(0.25 * Math.Sqrt(n)), 25);
}

/// <summary>How <see cref="TpeSampler"/> draws its start-up trials (<see cref="TpeOptions.Startup"/>).</summary>
public enum TpeStartup
{
    /// <summary>Independent draws from each parameter's prior.</summary>
    Random,
    /// <summary>Trial k takes point k of a scrambled Sobol sequence.</summary>
    QuasiRandom,
}

/// <summary>Bandwidth rule for numeric dimensions of <see cref="TpeSampler"/>'s Parzen estimators. Every rule is clipped
/// to [range / min(1 / <see cref="TpeOptions.MinBandwidthFraction"/>, n + 1), range] and scaled by
/// <see cref="TpeOptions.BandwidthFactor"/>.</summary>
public enum TpeBandwidth
{
    /// <summary>One bandwidth per dimension: Scott's rule σ n^(-1/(d+4)) on the observed spread.</summary>
    Scott,
    /// <summary>Per observation and dimension: the distance to the nearest other observation's value there.</summary>
    NearestGap,
    /// <summary>Per observation and dimension: the larger of the distances to the left and right neighbours (Bergstra 2011).</summary>
    WiderGap,
    /// <summary>Per observation: its distance to the nearest other observation over all numeric dimensions (each scaled
    /// by its range, root-mean-square per dimension), times the dimension's range. O(n²·D) per fit. Univariate
    /// (<see cref="TpeOptions.Multivariate"/> false): the nearest neighbour within each dimension, i.e. <see cref="NearestGap"/>.</summary>
    NearestNeighbour,
}
