using System;

namespace Attune.Search;

/// <summary>Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: O(D³) per sweep, a handful of
/// sweeps, accurate to rounding — plenty for CMA-ES's covariance (D is the number of numeric parameters).</summary>
internal static class SymmetricEigen
{
    /// <summary>Eigenvalues (<paramref name="values"/>) and eigenvectors (columns of <paramref name="vectors"/>) of the
    /// symmetric <paramref name="matrix"/>, which is left unchanged.</summary>
    public static void Decompose(double[,] matrix, double[] values, double[,] vectors)
    {
        int n = values.Length;
        var a = (double[,])matrix.Clone();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) vectors[i, j] = i == j ? 1 : 0;
        for (int sweep = 0; sweep < 64; sweep++)
        {
            double off = 0, diagonal = 0;
            for (int i = 0; i < n; i++)
            {
                diagonal += a[i, i] * a[i, i];
                for (int j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            }
            if (off <= 1e-30 * diagonal || off == 0) break;
            for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
            {
                double apq = a[p, q];
                if (Math.Abs(apq) < 1e-300) continue;
                // The rotation that zeroes a[p, q] (Rutishauser's stable form).
                double theta = (a[q, q] - a[p, p]) / (2 * apq);
                double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++)
                {
                    double akp = a[k, p], akq = a[k, q];
                    a[k, p] = c * akp - s * akq;
                    a[k, q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++)
                {
                    double apk = a[p, k], aqk = a[q, k];
                    a[p, k] = c * apk - s * aqk;
                    a[q, k] = s * apk + c * aqk;
                }
                for (int k = 0; k < n; k++)
                {
                    double vkp = vectors[k, p], vkq = vectors[k, q];
                    vectors[k, p] = c * vkp - s * vkq;
                    vectors[k, q] = s * vkp + c * vkq;
                }
            }
        }
        for (int i = 0; i < n; i++) values[i] = a[i, i];
    }
}
