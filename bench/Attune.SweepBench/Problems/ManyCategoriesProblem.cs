using Attune.Search;

namespace Attune.SweepBench.Problems;

/// <summary>
/// Many categories: a 24-way "feature" choice and a 15-way "scheme" choice whose best float setting differs per
/// scheme, with a small interaction between the two. The per-choice values come from fixed modular formulas (no table
/// to copy between languages) that scatter good and bad choices across the indexes.
/// </summary>
public static class ManyCategoriesProblem
{
    public const int Features = 24, Schemes = 15;

    public static BenchmarkProblem Problem() => new("many-cats", "categorical", Space(), Evaluate, 0, [17, 3, 6.0 / 14, 1e-2]);

    public static SearchSpace Space() => new("many-cats",
    [
        new ParameterSpec("feature", ParameterKind.Categorical, Choices: Enumerable.Range(0, Features).Select(i => $"f{i:00}").ToArray()),
        new ParameterSpec("scheme", ParameterKind.Categorical, Choices: Enumerable.Range(0, Schemes).Select(i => $"s{i:00}").ToArray()),
        new ParameterSpec("x", ParameterKind.Float, 0, 1),
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1e-1, Log: true),
    ]);

    /// <summary>A[feature] + B[scheme] + 4 (x − C[scheme])² + ½ (log10 lr + 2)² + 0.3 unless (feature + scheme + 1) is a
    /// multiple of 3, with A[k] = ((11k + 5) mod 24)/8, B[j] = ((4j + 3) mod 15)/10, C[j] = (7j mod 15)/14. Minimum 0 at
    /// feature 17, scheme 3, x = 6/14, lr = 1e-2.</summary>
    public static double Evaluate(IReadOnlyList<double> v)
    {
        int feature = (int)v[0], scheme = (int)v[1];
        double a = (11 * feature + 5) % 24 / 8.0, b = (4 * scheme + 3) % 15 / 10.0, c = 7 * scheme % 15 / 14.0;
        double x = v[2] - c, lr = Math.Log10(v[3]) + 2;
        return a + b + 4 * x * x + 0.5 * lr * lr + ((feature + scheme + 1) % 3 == 0 ? 0 : 0.3);
    }
}
