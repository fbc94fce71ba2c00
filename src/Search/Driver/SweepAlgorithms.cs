using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>The one place that maps the attribute enums <see cref="Sampler"/> and <see cref="Pruner"/> to implementations.</summary>
internal static class SweepAlgorithms
{
    public static ISampler CreateSampler(SweepOptions options) => Samplers.Create(options.Sampler, seed: options.Seed);

    public static IPruner? CreatePruner(SweepOptions options)
        => options.Pruner == Pruner.None ? null : Pruners.Create(options.Pruner, options.PrunerMinResource, options.PrunerReductionFactor, options.PrunerMaxResource);

    /// <summary>What the sampler sees when it samples trial <paramref name="trialNumber"/>: the whole history, except that
    /// TPE under Hyperband sees the trial's bracket only (<see cref="HyperbandPruner.SameBracket"/>). Only TPE: a grid or a
    /// sequence-based sampler must see every trial, or it would repeat points another bracket already ran.</summary>
    public static IReadOnlyList<FrozenTrial> HistoryForSampler(ISampler sampler, IPruner? pruner, int trialNumber, IReadOnlyList<FrozenTrial> history)
        => sampler is TpeSampler && pruner is HyperbandPruner hyperband ? hyperband.SameBracket(trialNumber, history) : history;
}

/// <summary>Reproducible per-trial seeds: the same (seed, trial number) gives the same stream in every process.</summary>
internal static class TrialSeeds
{
    /// <summary>A stable mix (SplitMix64 finaliser) of the sweep's seed and the trial number; not HashCode, which is
    /// randomised per process.</summary>
    public static int Mix(long seed, int trialNumber)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)trialNumber + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)(z ^ (z >> 32)));
    }

    /// <summary>The Random a sampler gets for a trial; seed -1 means unseeded.</summary>
    public static Random For(long seed, int trialNumber) => seed == -1 ? new Random() : new Random(Mix(seed, trialNumber));
}
