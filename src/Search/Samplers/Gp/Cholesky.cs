using System;

namespace Attune.Search;

/// <summary>
/// A dense Cholesky factorisation K = L·Lᵀ and the triangular solves the GP needs, hand-written: the GP conditions on at
/// most a few hundred points (<see cref="GpOptions.MaxTrials"/>), where this costs milliseconds, so a linear-algebra
/// dependency (MathNet.Numerics) would add a megabyte and a package to the light search package for nothing.
/// </summary>
internal sealed class Cholesky
{
    /// <summary>Lower triangle, row-major n×n.</summary>
    public readonly double[] L;
    public readonly int N;

    private Cholesky(double[] l, int n) { L = l; N = n; }

    /// <summary>Factorises the symmetric matrix <paramref name="a"/> (row-major n×n; only its lower triangle is read), or
    /// returns null when it is not numerically positive definite.</summary>
    public static Cholesky? TryFactor(double[] a, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            int ri = i * n;
            for (int j = 0; j <= i; j++)
            {
                int rj = j * n;
                double sum = a[ri + j];
                for (int k = 0; k < j; k++) sum -= l[ri + k] * l[rj + k];
                if (i == j)
                {
                    if (!(sum > 0)) return null;
                    l[ri + i] = Math.Sqrt(sum);
                }
                else l[ri + j] = sum / l[rj + j];
            }
        }
        return new Cholesky(l, n);
    }

    /// <summary>Solves L·x = b in place.</summary>
    public void SolveLower(double[] b)
    {
        for (int i = 0; i < N; i++)
        {
            int ri = i * N;
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= L[ri + k] * b[k];
            b[i] = sum / L[ri + i];
        }
    }

    /// <summary>Solves Lᵀ·x = b in place.</summary>
    public void SolveUpper(double[] b)
    {
        for (int i = N - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < N; k++) sum -= L[k * N + i] * b[k];
            b[i] = sum / L[i * N + i];
        }
    }

    /// <summary>log det K = 2 Σ log L_ii.</summary>
    public double LogDeterminant()
    {
        double sum = 0;
        for (int i = 0; i < N; i++) sum += Math.Log(L[i * N + i]);
        return 2 * sum;
    }

    /// <summary>K⁻¹ (full, row-major), from L⁻¹: K⁻¹ = L⁻ᵀ·L⁻¹.</summary>
    public double[] Inverse()
    {
        int n = N;
        var inv = new double[n * n]; // L⁻¹, lower
        for (int j = 0; j < n; j++)
        {
            inv[j * n + j] = 1 / L[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                double sum = 0;
                int ri = i * n;
                for (int k = j; k < i; k++) sum -= L[ri + k] * inv[k * n + j];
                inv[ri + j] = sum / L[ri + i];
            }
        }
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < n; k++) sum += inv[k * n + i] * inv[k * n + j];
                result[i * n + j] = sum;
                result[j * n + i] = sum;
            }
        return result;
    }
}
