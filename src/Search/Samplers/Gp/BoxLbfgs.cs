using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Minimises a smooth function inside a box with projected L-BFGS: the quasi-Newton direction, with coordinates at a
/// bound that would leave the box held fixed, then a backtracking (Armijo) line search along the projected path. Used
/// for the GP's hyperparameters and for the acquisition's numeric coordinates; both have a handful to a few dozen
/// variables, so nothing fancier (the full L-BFGS-B Cauchy point) pays for itself.
/// </summary>
internal static class BoxLbfgs
{
    /// <summary>A function value and its gradient (written into the second argument) at a point.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    /// <summary>Minimises <paramref name="f"/> from <paramref name="x"/> (updated in place, clamped to the box first);
    /// returns the value at the end point.</summary>
    public static double Minimize(Objective f, double[] x, double[] lower, double[] upper, int maxIterations, double tolerance = 1e-9, int memory = 8)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(x[i], lower[i], upper[i]);
        var g = new double[n];
        double fx = f(x, g);
        if (!double.IsFinite(fx)) return fx;
        var s = new List<double[]>(memory);
        var y = new List<double[]>(memory);
        var rho = new List<double>(memory);
        var direction = new double[n];
        var trial = new double[n];
        var gTrial = new double[n];
        var alpha = new double[memory];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            // Two-loop recursion: direction = −H·g.
            for (int i = 0; i < n; i++) direction[i] = -g[i];
            for (int m = s.Count - 1; m >= 0; m--)
            {
                alpha[m] = rho[m] * Dot(s[m], direction);
                Axpy(-alpha[m], y[m], direction);
            }
            if (s.Count > 0)
            {
                double gamma = Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]);
                for (int i = 0; i < n; i++) direction[i] *= gamma;
            }
            for (int m = 0; m < s.Count; m++)
            {
                double beta = rho[m] * Dot(y[m], direction);
                Axpy(alpha[m] - beta, s[m], direction);
            }
            if (!Project(direction, x, lower, upper, g))
            {
                // Not a descent direction once the bounds are respected: restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                for (int i = 0; i < n; i++) direction[i] = -g[i];
                if (!Project(direction, x, lower, upper, g)) break; // projected gradient is zero: a box-KKT point
            }
            double step = s.Count == 0 ? Math.Min(1, 1 / Math.Max(Norm(direction), 1e-12)) : 1;
            double fTrial = double.NaN, decrease = 0;
            bool accepted = false;
            for (int backtrack = 0; backtrack < 30; backtrack++, step *= 0.5)
            {
                decrease = 0;
                for (int i = 0; i < n; i++)
                {
                    trial[i] = Math.Clamp(x[i] + step * direction[i], lower[i], upper[i]);
                    decrease += g[i] * (trial[i] - x[i]);
                }
                fTrial = f(trial, gTrial);
                if (double.IsFinite(fTrial) && fTrial <= fx + 1e-4 * decrease) { accepted = true; break; }
            }
            if (!accepted) break;
            var sk = new double[n];
            var yk = new double[n];
            for (int i = 0; i < n; i++) { sk[i] = trial[i] - x[i]; yk[i] = gTrial[i] - g[i]; }
            double sy = Dot(sk, yk);
            if (sy > 1e-12)
            {
                if (s.Count == memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            double previous = fx;
            Array.Copy(trial, x, n);
            Array.Copy(gTrial, g, n);
            fx = fTrial;
            if (previous - fx <= tolerance * (1 + Math.Abs(fx))) break;
        }
        return fx;
    }

    /// <summary>Zeroes the components that push a coordinate at its bound outward; true when what is left descends.</summary>
    private static bool Project(double[] direction, double[] x, double[] lower, double[] upper, double[] g)
    {
        double slope = 0;
        for (int i = 0; i < direction.Length; i++)
        {
            if ((x[i] <= lower[i] && direction[i] < 0) || (x[i] >= upper[i] && direction[i] > 0)) direction[i] = 0;
            slope += direction[i] * g[i];
        }
        return slope < 0;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }
}
