using System;

namespace Attune.Search;

/// <summary>Maps <see cref="Sampler"/> to a sampler with default settings.</summary>
public static class Samplers
{
    /// <param name="kind">Which algorithm.</param>
    /// <param name="tpe">TPE settings; null means <see cref="TpeOptions"/>' defaults. Ignored by the other samplers.</param>
    public static ISampler Create(Sampler kind, TpeOptions? tpe = null) => kind switch
    {
        Sampler.Tpe => new TpeSampler(tpe),
        Sampler.Random => new RandomSampler(),
        Sampler.Grid => new GridSampler(),
        Sampler.Nsga2 => new Nsga2Sampler(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected Tpe, Random, Grid or Nsga2."),
    };
}
