using System;
using System.Collections.Generic;

namespace Attune;

/// <summary>
/// THE one place that maps <see cref="Sampler"/> and <see cref="Pruner"/> to implementations. Samplers and pruners are
/// being written on another branch (factories <c>Samplers.Create</c> / <c>Pruners.Create</c>); once merged, point
/// these two methods at them. Until then Random maps to <see cref="UniformSampler"/>, and the rest is refused.
/// </summary>
internal static class SweepAlgorithms
{
    public static ISampler CreateSampler(Sampler kind) => kind switch
    {
        Sampler.Random => new UniformSampler(),
        // TODO(talg merge): Sampler.Tpe and Sampler.Grid => Samplers.Create(kind, ...).
        _ => throw new NotSupportedException(
            $"Sampler.{kind} is not available in this build yet (it lands with the sampler implementations). Use Sampler.Random, or pass an ISampler to Sweep.Run."),
    };

    public static IPruner? CreatePruner(Pruner kind) => kind switch
    {
        Pruner.None => null,
        // TODO(talg merge): Pruner.Median and Pruner.Asha => Pruners.Create(kind).
        _ => throw new NotSupportedException(
            $"Pruner.{kind} is not available in this build yet (it lands with the pruner implementations). Use Pruner.None, or pass an IPruner to Sweep.Run."),
    };
}

/// <summary>
/// A minimal sampler: independent uniform draws (log-uniform where declared), ints on their step grid, categoricals by
/// index, NaN for inactive conditional parameters. Ignores history. Stands in for <see cref="Sampler.Random"/> until the
/// real samplers are merged.
/// </summary>
internal sealed class UniformSampler : ISampler
{
    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        var values = new double[space.Parameters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (!space.IsActive(i, values)) { values[i] = double.NaN; continue; }
            var p = space.Parameters[i];
            values[i] = p.Kind switch
            {
                ParameterKind.Categorical => random.Next(p.Choices!.Count),
                ParameterKind.Int => SampleInt(p, random),
                _ => p.Log ? Math.Exp(Uniform(Math.Log(p.Low), Math.Log(p.High), random)) : Uniform(p.Low, p.High, random),
            };
        }
        return values;
    }

    private static double Uniform(double low, double high, Random random) => low + (high - low) * random.NextDouble();

    private static double SampleInt(ParameterSpec p, Random random)
    {
        double step = p.Step > 0 ? p.Step : 1;
        long count = p.Cardinality ?? 1;
        if (!p.Log) return p.Low + step * random.NextInt64(count);
        // Log: log-uniform over [Low - 0.5, High + 0.5], rounded to the nearest value on the grid.
        double x = Math.Exp(Uniform(Math.Log(Math.Max(p.Low - 0.5, 0.5)), Math.Log(p.High + 0.5), random));
        return Math.Clamp(p.Low + step * Math.Round((x - p.Low) / step), p.Low, p.Low + step * (count - 1));
    }
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
