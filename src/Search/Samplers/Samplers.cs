using System;

namespace Attune.Search;

/// <summary>Maps <see cref="Sampler"/> to a sampler with default settings.</summary>
public static class Samplers
{
    /// <param name="kind">Which algorithm.</param>
    /// <param name="tpe">TPE settings; null means <see cref="TpeOptions"/>' defaults. Ignored by the other samplers.</param>
    /// <param name="seed">The sweep's seed (-1: unseeded), for what must be the same in every trial of a study: the
    /// Sobol scramble of <see cref="Sampler.QuasiRandom"/>, of TPE's quasi-random start-up (unless
    /// <see cref="TpeOptions.StartupSeed"/> is set) and of CMA-ES's restart points.</param>
    /// <param name="gp">Gaussian-process settings; null means <see cref="GpOptions"/>' defaults. Ignored by the other samplers.</param>
    public static ISampler Create(Sampler kind, TpeOptions? tpe = null, long seed = -1, GpOptions? gp = null) => kind switch
    {
        Sampler.Tpe => new TpeSampler(WithStartupSeed(tpe ?? new TpeOptions(), seed)),
        Sampler.Random => new RandomSampler(),
        Sampler.Grid => new GridSampler(),
        Sampler.Gp => new GpSampler(gp),
        Sampler.CmaEs => new CmaEsSampler(seed: seed),
        Sampler.QuasiRandom => new QuasiRandomSampler(seed),
        Sampler.Nsga2 => new Nsga2Sampler(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected Tpe, Random, Grid, Gp, CmaEs, QuasiRandom or Nsga2."),
    };

    private static TpeOptions WithStartupSeed(TpeOptions tpe, long seed) => tpe.StartupSeed == -1 ? tpe with { StartupSeed = seed } : tpe;
}
