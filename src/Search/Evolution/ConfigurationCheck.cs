using System;
using System.Collections.Generic;
using System.Globalization;

namespace Attune.Search;

/// <summary>Whether internal values lie inside a space: each active parameter's value within its range, on its int grid,
/// or a valid choice index. Used to refuse an enqueued configuration, to tell which copied or migrated trials fit, and
/// by samplers (<see cref="SamplingMath.Fits"/>), which use only trials that fit.</summary>
internal static class ConfigurationCheck
{
    /// <summary>Null when <paramref name="values"/> fit <paramref name="space"/>; else a sentence naming the parameter,
    /// the value and what was expected. Values of inactive conditional parameters are not checked.</summary>
    public static string? Problem(SearchSpace space, IReadOnlyList<double> values)
    {
        if (values.Count != space.Parameters.Count)
            return $"it has {values.Count} values; the space '{space.Name}' has {space.Parameters.Count} parameters";
        for (int i = 0; i < values.Count; i++)
        {
            if (!space.IsActive(i, values)) continue;
            if (!Fits(space.Parameters[i], values[i])) return Describe(space.Parameters[i], values[i]);
        }
        return null;
    }

    /// <summary>Whether an active parameter's value fits (no text is built: samplers call this for every trial).</summary>
    public static bool Fits(SearchSpace space, IReadOnlyList<double> values)
    {
        if (values.Count != space.Parameters.Count) return false;
        for (int i = 0; i < values.Count; i++)
            if (!Fits(space.Parameters[i], values[i]) && space.IsActive(i, values)) return false;
        return true;
    }

    // A value that went through storage (JSON text, another tool) may come back a hair off its grid point or bound; it
    // still fits, as the grid sampler has always counted it (GridIndex rounds).
    private const double Hair = 1e-9;

    private static bool Fits(ParameterSpec p, double v)
    {
        if (!double.IsFinite(v)) return false;
        double slack = Hair * Math.Max(1, Math.Abs(p.High - p.Low));
        return p.Kind switch
        {
            ParameterKind.Categorical => Math.Abs(v - Math.Round(v)) <= Hair && Math.Round(v) >= 0 && Math.Round(v) < p.Choices!.Count,
            ParameterKind.Int => v >= p.Low - slack && v <= p.High + slack && Math.Abs(SamplingMath.SnapInt(p, v) - v) <= Hair * Math.Max(1, Math.Abs(v)),
            _ => v >= p.Low - slack && v <= p.High + slack,
        };
    }

    private static string Describe(ParameterSpec p, double v)
    {
        string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (!double.IsFinite(v)) return $"{p.Name} has no value ({N(v)}); it is active, so it needs one ({Expected(p)})";
        return p.Kind switch
        {
            ParameterKind.Categorical => $"{p.Name} is choice index {N(v)}; expected one of {string.Join(", ", p.Choices!)} (index 0 to {p.Choices!.Count - 1})",
            ParameterKind.Int when v >= p.Low && v <= p.High => $"{p.Name} is {N(v)}, which is not on its grid; expected {Expected(p)}",
            _ => $"{p.Name} is {N(v)}, outside its range; expected {Expected(p)}",
        };
    }

    private static string Expected(ParameterSpec p)
    {
        string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        return p.Kind switch
        {
            ParameterKind.Categorical => "one of " + string.Join(", ", p.Choices!),
            ParameterKind.Int => $"an int in [{N(p.Low)}, {N(p.High)}] step {N(SamplingMath.IntStep(p))}",
            _ => $"a {(p.Log ? "log-uniform" : "uniform")} value in [{N(p.Low)}, {N(p.High)}]",
        };
    }
}
