using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Attune.Search;

/// <summary>How a parameter is represented internally: floats and ints by value, categoricals by index.</summary>
public enum ParameterKind
{
    Float = 0,
    Int = 1,
    Categorical = 2,
}

/// <summary>A parameter is active only when <see cref="Parameter"/> (an earlier parameter of the space, categorical)
/// has one of the choice indexes <see cref="ChoiceIndexes"/>.</summary>
public sealed record ParameterCondition(string Parameter, IReadOnlyList<int> ChoiceIndexes);

/// <summary>
/// One tuned parameter. Float: [Low, High], optionally Log. Int: Low, Low+Step, … High, optionally Log (Step 1).
/// Categorical: <see cref="Choices"/> (their invariant text: numbers, strings, enum member names, "true"/"false");
/// its internal value is the choice's index.
/// </summary>
public sealed record ParameterSpec(
    string Name,
    ParameterKind Kind,
    double Low = 0,
    double High = 0,
    bool Log = false,
    double Step = 0,
    IReadOnlyList<string>? Choices = null,
    ParameterCondition? Condition = null)
{
    /// <summary>Number of distinct values (ints and categoricals), or null for continuous floats.</summary>
    public long? Cardinality => Kind switch
    {
        ParameterKind.Categorical => Choices!.Count,
        ParameterKind.Int => (long)Math.Floor((High - Low) / (Step > 0 ? Step : 1)) + 1,
        _ => null,
    };

    /// <summary>The canonical one-line description used by the fingerprint and by "space changed" messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Name).Append(": ");
        string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        switch (Kind)
        {
            case ParameterKind.Float: text.Append(Log ? "log-uniform" : "uniform").Append(" [").Append(N(Low)).Append(", ").Append(N(High)).Append(']'); break;
            case ParameterKind.Int: text.Append(Log ? "log-int" : "int").Append(" [").Append(N(Low)).Append(", ").Append(N(High)).Append("] step ").Append(N(Step)); break;
            default: text.Append("choice {").Append(string.Join(", ", Choices!)).Append('}'); break;
        }
        if (Condition is not null)
            text.Append(" when ").Append(Condition.Parameter).Append(" in {").Append(string.Join(", ", Condition.ChoiceIndexes)).Append('}');
        return text.ToString();
    }
}

/// <summary>
/// A search space: its parameters in declaration order (a condition may only name an earlier parameter). The generator
/// emits one per <c>[TuneSpace]</c> type as a static table; samplers and storage need nothing else.
/// </summary>
public sealed class SearchSpace
{
    public SearchSpace(string name, IReadOnlyList<ParameterSpec> parameters)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!seen.Add(p.Name)) throw new ArgumentException($"Search space '{name}' declares parameter '{p.Name}' twice.", nameof(parameters));
            if (p.Condition is { } c && !parameters.Take(i).Any(q => q.Name == c.Parameter && q.Kind == ParameterKind.Categorical))
                throw new ArgumentException($"Parameter '{p.Name}' of '{name}' is conditional on '{c.Parameter}', which must be an earlier categorical parameter.", nameof(parameters));
        }
        Fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", parameters.Select(p => p.Describe()))))).ToLowerInvariant()[..16];
    }

    public string Name { get; }
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>A stable hash of every parameter's canonical description; a study remembers it to catch a changed space.</summary>
    public string Fingerprint { get; }

    public int IndexOf(string parameter)
    {
        for (int i = 0; i < Parameters.Count; i++) if (Parameters[i].Name == parameter) return i;
        return -1;
    }

    /// <summary>True when every parameter has finitely many values (grid search is possible).</summary>
    public bool IsFinite => Parameters.All(p => p.Cardinality is not null);

    /// <summary>Whether parameter <paramref name="index"/> is active given the values of earlier parameters.</summary>
    public bool IsActive(int index, IReadOnlyList<double> values)
    {
        var condition = Parameters[index].Condition;
        if (condition is null) return true;
        int parent = IndexOf(condition.Parameter);
        double parentValue = values[parent];
        return !double.IsNaN(parentValue) && IsActive(parent, values) && condition.ChoiceIndexes.Contains((int)parentValue);
    }
}
