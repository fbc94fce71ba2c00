using System;
using System.Collections.Generic;
using System.Globalization;

namespace Attune.Search;

/// <summary>
/// Quasi-random search: trial k gets point k of a scrambled Sobol sequence (<see cref="SobolSequence"/>), one dimension
/// per parameter, mapped from the unit cube to the space (<see cref="UnitCube"/>: log where Log, ints on their grid,
/// categoricals by equal parts). The points cover the space more evenly than independent random draws — no clumps, no
/// holes — which is what a start-up design or a small budget wants; the balance is best at powers of two (16, 32, 64 …
/// trials).
/// <para>Stateless: k is the number of trials in the history (every state counts, so concurrent workers and a resumed
/// study each take the next point), and the scramble comes from the seed alone. Inactive conditional parameters are NaN;
/// a parameter keeps its own dimension whether or not it is active. Ignores the per-trial <see cref="Random"/>.</para>
/// </summary>
public sealed class QuasiRandomSampler : ISampler
{
    /// <param name="seed">Seeds the scramble: the sweep's seed, so the same study gets the same points in every process.
    /// -1 (an unseeded sweep) derives the scramble from the space's fingerprint instead, since a per-process random scramble
    /// would give two workers of one study two different sequences.</param>
    /// <param name="scramble">False gives the plain Sobol sequence, whose first point is the corner of the space.</param>
    public QuasiRandomSampler(long seed = -1, bool scramble = true)
    {
        if (seed < -1) throw new ArgumentOutOfRangeException(nameof(seed), seed, "The seed must be -1 (unseeded) or at least 0.");
        Seed = seed;
        Scrambled = scramble;
    }

    public long Seed { get; }
    public bool Scrambled { get; }

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        return Point(space, history.Count);
    }

    /// <summary>The space's values at point <paramref name="index"/> of this sampler's sequence.</summary>
    public double[] Point(SearchSpace space, long index)
    {
        ArgumentNullException.ThrowIfNull(space);
        var values = new double[space.Parameters.Count];
        if (values.Length == 0) return values;
        if (values.Length > SobolDirectionNumbers.Count)
            throw new InvalidOperationException(
                $"Quasi-random sampling of '{space.Name}' needs one Sobol dimension per parameter; it has {values.Length} parameters and at most {SobolDirectionNumbers.Count} are supported. Use the Tpe or Random sampler for it.");
        var sobol = new SobolSequence(values.Length, Scrambled ? ScrambleSeed(space) : null);
        for (int i = 0; i < values.Length; i++)
            values[i] = space.IsActive(i, values) ? UnitCube.FromUnit(space.Parameters[i], sobol.At(index, i)) : double.NaN;
        return values;
    }

    internal int ScrambleSeed(SearchSpace space)
    {
        long seed = Seed != -1 ? Seed : long.Parse(space.Fingerprint[..15], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return TrialSeeds.Mix(seed, -1); // not a trial's stream: trial numbers are never negative
    }
}
