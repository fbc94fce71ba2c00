namespace Attune.SweepBench.Problems;

/// <summary>
/// Reproducible standard normal draws from (seed, trial) alone, written so that Python (bench/optuna/problems.py,
/// seeded_gaussian) computes bit-for-bit the same numbers: two SplitMix64 outputs turned into one Box–Muller draw.
/// Neither System.Random nor numpy's generators are shared between the languages, hence this.
/// </summary>
public static class SeededNoise
{
    public static double Gaussian(int seed, int trial)
    {
        ulong state = unchecked((ulong)(uint)seed * 1_000_003UL + (ulong)(uint)trial);
        double u1 = Uniform(ref state), u2 = Uniform(ref state);
        return Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The next SplitMix64 output's top 53 bits as a double in [0, 1).</summary>
    private static double Uniform(ref ulong state)
    {
        ulong z = state = unchecked(state + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
