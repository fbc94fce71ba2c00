using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// Every combination of a finite space, each once, in a fixed order (the first parameter varies slowest; ints from Low
/// up, categoricals in declaration order). A conditional parameter is only enumerated while it is active, so combinations
/// that differ only in inactive parameters are one grid point.
/// <para>The next point is the first one that no trial of the history holds, whatever that trial's state (Running,
/// Complete, Pruned and Failed all count as taken), so concurrent workers and resumed studies never repeat a point and
/// the sampler keeps no state of its own. The history is the only coordination; two workers that sample at the very
/// same instant, before either trial is stored, could still pick the same point — the driver stores a trial before its
/// worker samples again.</para>
/// </summary>
public sealed class GridSampler : ISampler
{
    /// <summary>Grids larger than this are refused: enumerating them would never finish anyway.</summary>
    public const long MaxGridSize = 10_000_000;

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        var next = FirstFree(space, history);
        return next ?? throw new InvalidOperationException(
            $"Grid search over '{space.Name}' is exhausted: all {Count(space)} grid points have been tried ({history.Count} trials in the study).");
    }

    /// <summary>True when every grid point is held by some trial of the history.</summary>
    public bool IsExhausted(SearchSpace space, IReadOnlyList<FrozenTrial> history) => FirstFree(space, history) is null;

    /// <summary>The number of distinct grid points (conditional parameters counted only where active).</summary>
    public static long Count(SearchSpace space)
    {
        Validate(space);
        long count = 0;
        foreach (var _ in Enumerate(space)) count++;
        return count;
    }

    /// <summary>Every grid point, in the sampler's order.</summary>
    public static IEnumerable<double[]> Enumerate(SearchSpace space)
    {
        Validate(space);
        var values = new double[space.Parameters.Count];
        return Walk(space, values, 0);
    }

    private static IEnumerable<double[]> Walk(SearchSpace space, double[] values, int index)
    {
        if (index == values.Length)
        {
            yield return (double[])values.Clone();
            yield break;
        }
        if (!space.IsActive(index, values))
        {
            values[index] = double.NaN;
            foreach (var point in Walk(space, values, index + 1)) yield return point;
            yield break;
        }
        var p = space.Parameters[index];
        long n = p.Cardinality!.Value;
        for (long k = 0; k < n; k++)
        {
            values[index] = p.Kind == ParameterKind.Int ? p.Low + k * SamplingMath.IntStep(p) : k;
            foreach (var point in Walk(space, values, index + 1)) yield return point;
        }
    }

    private static double[]? FirstFree(SearchSpace space, IReadOnlyList<FrozenTrial> history)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        Validate(space);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trial in history)
            if (SamplingMath.Fits(space, trial)) taken.Add(Key(space, trial.Values));
        foreach (var point in Enumerate(space))
            if (!taken.Contains(Key(space, point))) return point;
        return null;
    }

    /// <summary>A point's identity: each active parameter's grid index, "-" for inactive ones. Indexes rather than raw
    /// doubles, so a value that went through storage and came back a hair off still matches its grid point.</summary>
    private static string Key(SearchSpace space, IReadOnlyList<double> values)
    {
        var parts = new string[values.Count];
        for (int i = 0; i < parts.Length; i++)
            parts[i] = space.IsActive(i, values) ? SamplingMath.GridIndex(space.Parameters[i], values[i]).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
        return string.Join(",", parts);
    }

    private static void Validate(SearchSpace space)
    {
        var continuous = space.Parameters.Where(p => p.Cardinality is null).Select(p => p.Name).ToList();
        if (continuous.Count > 0)
            throw new InvalidOperationException(
                $"Grid search needs a finite space, but '{space.Name}' has continuous float parameters: {string.Join(", ", continuous)}. " +
                "Declare them as int ranges or categorical choices, or use the Tpe or Random sampler.");
        double size = 1;
        foreach (var p in space.Parameters) size *= p.Cardinality!.Value;
        if (size > MaxGridSize)
            throw new InvalidOperationException(
                $"Grid search over '{space.Name}' would have up to {size:G3} points (limit {MaxGridSize:N0}); narrow the ranges or use the Tpe or Random sampler.");
    }
}
