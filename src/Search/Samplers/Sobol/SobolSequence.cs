using System;
using System.Numerics;

namespace Attune.Search;

/// <summary>
/// A Sobol sequence in up to <see cref="SobolDirectionNumbers.Count"/> dimensions with 32-bit precision, in Gray-code
/// order (the order Joe and Kuo, and SciPy, publish: 0, 1/2, 3/4, 1/4, … in the first dimension). Point k is computed
/// directly from k (an XOR of the direction numbers picked by the bits of k's Gray code), so a sampler can ask for any
/// point without walking the ones before it — which is what keeps it stateless.
/// <para>Scrambled (the default for sampling): each dimension's direction numbers are multiplied by a random
/// lower-triangular binary matrix with a unit diagonal (Matoušek's random linear scramble), then every point is XORed
/// with a random digital shift. Both keep the net properties that make Sobol points evenly spread, remove the
/// unscrambled sequence's bias (its first point is the corner 0, and its low dimensions are correlated at small n), and
/// give every seed its own sequence. The scramble depends on the seed alone, so every trial of a study — in every worker
/// and process — sees the same sequence.</para>
/// </summary>
internal sealed class SobolSequence
{
    private const int Bits = 32;
    private readonly uint[][] directions; // [dimension][bit]: MSB-aligned direction numbers v_b = m_b / 2^(b+1)
    private readonly uint[] shift;

    /// <param name="dimensions">1 … <see cref="SobolDirectionNumbers.Count"/>.</param>
    /// <param name="scrambleSeed">The seed of the linear scramble and digital shift; null gives the plain sequence.</param>
    public SobolSequence(int dimensions, int? scrambleSeed)
    {
        if (dimensions < 1 || dimensions > SobolDirectionNumbers.Count)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions,
                $"A Sobol sequence here has 1 to {SobolDirectionNumbers.Count} dimensions (one per parameter); {dimensions} were asked for. Use the Random or Tpe sampler for a larger space.");
        Dimensions = dimensions;
        directions = new uint[dimensions][];
        shift = new uint[dimensions];
        var random = scrambleSeed is { } seed ? new Random(seed) : null;
        for (int d = 0; d < dimensions; d++)
        {
            var v = Directions(d);
            if (random is not null)
            {
                v = Scramble(v, random);
                shift[d] = (uint)random.NextInt64(1L << Bits);
            }
            directions[d] = v;
        }
    }

    public int Dimensions { get; }

    /// <summary>Coordinate <paramref name="dimension"/> of point <paramref name="index"/> (0-based), in [0, 1).</summary>
    public double At(long index, int dimension)
    {
        if (index < 0 || index >= 1L << Bits)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"A 32-bit Sobol sequence has points 0 … 2^32 − 1; point {index} was asked for.");
        ulong gray = (ulong)index ^ ((ulong)index >> 1);
        uint x = shift[dimension];
        var v = directions[dimension];
        for (int b = 0; gray != 0; b++, gray >>= 1)
            if ((gray & 1) != 0) x ^= v[b];
        return x * (1.0 / (1L << Bits));
    }

    /// <summary>Point <paramref name="index"/>, every dimension.</summary>
    public double[] Point(long index)
    {
        var point = new double[Dimensions];
        for (int d = 0; d < point.Length; d++) point[d] = At(index, d);
        return point;
    }

    /// <summary>The unscrambled direction numbers of a dimension: given m_1 … m_s, the rest follow the primitive
    /// polynomial's recurrence v_i = a_1 v_{i−1} ⊕ … ⊕ a_{s−1} v_{i−s+1} ⊕ v_{i−s} ⊕ (v_{i−s} ≫ s) (Bratley and Fox 1988).</summary>
    private static uint[] Directions(int dimension)
    {
        var v = new uint[Bits];
        if (dimension == 0)
        {
            for (int b = 0; b < Bits; b++) v[b] = 1u << (Bits - 1 - b);
            return v;
        }
        var (s, a, m) = SobolDirectionNumbers.Rows[dimension - 1];
        for (int b = 0; b < Math.Min(s, Bits); b++) v[b] = m[b] << (Bits - 1 - b);
        for (int b = s; b < Bits; b++)
        {
            uint next = v[b - s] ^ (v[b - s] >> s);
            for (int k = 1; k < s; k++)
                if (((a >> (s - 1 - k)) & 1) != 0) next ^= v[b - k];
            v[b] = next;
        }
        return v;
    }

    /// <summary>L · v for each direction number v, with L a random lower-triangular bit matrix with ones on its diagonal
    /// (invertible, so the scrambled sequence is still a (t, s)-sequence). Bit r of a number, counted from the most
    /// significant, is row r of the product: the parity of row r of L and v.</summary>
    private static uint[] Scramble(uint[] v, Random random)
    {
        var rows = new uint[Bits];
        for (int r = 0; r < Bits; r++)
        {
            uint diagonal = 1u << (Bits - 1 - r);
            uint above = r == 0 ? 0 : (uint)random.NextInt64(1L << r) << (Bits - r); // columns 0 … r−1: the r high bits
            rows[r] = diagonal | above;
        }
        var scrambled = new uint[Bits];
        for (int b = 0; b < Bits; b++)
        {
            uint y = 0;
            for (int r = 0; r < Bits; r++)
                if ((BitOperations.PopCount(rows[r] & v[b]) & 1) != 0) y |= 1u << (Bits - 1 - r);
            scrambled[b] = y;
        }
        return scrambled;
    }
}
