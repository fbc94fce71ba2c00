namespace Attune.SweepBench.Problems;

/// <summary>The search suite's problems in their fixed order (the order of the printed table).</summary>
public static class ProblemSet
{
    /// <summary>Every problem but the real sweep, which needs its table file.</summary>
    public static IReadOnlyList<BenchmarkProblem> Synthetic() =>
    [
        .. ContinuousProblems.All(),
        .. MixedProblems.All(),
        ConditionalProblem.Problem(),
        ManyCategoriesProblem.Problem(),
        NoisyProblem.Problem(),
    ];

    public const string DigitsName = "digits-mlp";

    /// <summary>All problems in suite order; the real sweep last.</summary>
    /// <param name="digitsTable">The digits sweep table; null: the copy next to the program.</param>
    public static IReadOnlyList<BenchmarkProblem> All(string? digitsTable = null) => [.. Synthetic(), DigitsTableProblem.Problem(digitsTable)];

    /// <summary>The problems named in <paramref name="names"/> (comma-separated; empty or null: all), in suite order.
    /// The digits table is read only when its problem is selected.</summary>
    public static IReadOnlyList<BenchmarkProblem> Select(string? names, string? digitsTable = null)
    {
        if (string.IsNullOrWhiteSpace(names)) return All(digitsTable);
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = Synthetic().Select(p => p.Name).Append(DigitsName).ToArray();
        foreach (var name in wanted)
            if (!known.Contains(name))
                throw new ArgumentException($"Unknown problem '{name}'; expected one of {string.Join(", ", known)}.");
        var pool = wanted.Contains(DigitsName) ? All(digitsTable) : Synthetic();
        return pool.Where(p => wanted.Contains(p.Name)).ToArray();
    }
}
