namespace Attune.Bench;

internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /// <summary>The q-quantile (0..1) by linear interpolation between order statistics.</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        double at = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(at), hi = (int)Math.Ceiling(at);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }

    /// <summary>95 % percentile bootstrap interval of the median (4,000 resamples, fixed seed so a rerun on the same
    /// figures prints the same interval).</summary>
    public static (double Lo, double Hi) BootstrapMedian(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return (double.NaN, double.NaN);
        var random = new Random(12345);
        var medians = new double[4000];
        var sample = new double[values.Count];
        for (int i = 0; i < medians.Length; i++)
        {
            for (int j = 0; j < sample.Length; j++) sample[j] = values[random.Next(values.Count)];
            medians[i] = Median(sample);
        }
        Array.Sort(medians);
        return (medians[(int)(0.025 * medians.Length)], medians[(int)(0.975 * medians.Length) - 1]);
    }

    /// <summary>
    /// The distribution-free 95 % interval of the median from the sign test: the k-th smallest and k-th largest values,
    /// with k the largest count for which P(Binomial(n, ½) &lt; k) ≤ 2.5 %. It assumes nothing about the shape of the
    /// ratios (a busy machine gives long right tails), only that rounds are independent; it needs n ≥ 6.
    /// </summary>
    public static (double Lo, double Hi) SignTestMedian(IReadOnlyList<double> values)
    {
        int n = values.Count;
        var sorted = values.Order().ToArray();
        // P(B <= j) for B ~ Binomial(n, 1/2), accumulated until it passes 2.5 %; each term in logarithms, since
        // 2^-n underflows from n = 1075 on.
        double logTerm = -n * Math.Log(2), cumulative = 0;
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            cumulative += Math.Exp(logTerm);
            if (cumulative > 0.025) break;
            k = j + 1;
            logTerm += Math.Log(n - j) - Math.Log(j + 1);
        }
        return k == 0 ? (double.NaN, double.NaN) : (sorted[k - 1], sorted[n - k]);
    }

    /// <summary>Sample standard deviation over the mean.</summary>
    public static double CoefficientOfVariation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1);
        return Math.Sqrt(variance) / mean;
    }
}
