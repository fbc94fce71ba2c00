using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>One objective of a score type: its member name and which way is better.</summary>
public sealed record ObjectiveSpec(string Name, Direction Direction);

/// <summary>
/// What a score type holds, in order: its objectives (each with a direction) and its constraints (feasible when ≤ 0).
/// The generator writes one per <c>[ObjectiveScore]</c> type; storage keeps the values in this order.
/// </summary>
public sealed class ObjectiveSchema
{
    /// <exception cref="ArgumentException">No objective, a direction that is not Maximize or Minimize, or a name twice.</exception>
    public ObjectiveSchema(IReadOnlyList<ObjectiveSpec> objectives, IReadOnlyList<string> constraints)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        ArgumentNullException.ThrowIfNull(constraints);
        if (objectives.Count == 0)
            throw new ArgumentException("A score needs at least one objective; found none.", nameof(objectives));
        foreach (var o in objectives)
            if (o.Direction is not (Direction.Maximize or Direction.Minimize))
                throw new ArgumentException($"Objective '{o.Name}' has direction {o.Direction}; expected Maximize or Minimize.", nameof(objectives));
        var names = objectives.Select(o => o.Name).Concat(constraints).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException($"A score names a member twice: {string.Join(", ", names)}.", nameof(objectives));
        Objectives = objectives;
        Constraints = constraints;
    }

    public IReadOnlyList<ObjectiveSpec> Objectives { get; }
    public IReadOnlyList<string> Constraints { get; }

    /// <summary>The objectives' directions, in order.</summary>
    public IReadOnlyList<Direction> Directions => Objectives.Select(o => o.Direction).ToArray();

    /// <summary>"Accuracy maximize, LatencyMs minimize; constraints MemoryOverBudgetMb ≤ 0": for messages and the log.</summary>
    public override string ToString()
        => string.Join(", ", Objectives.Select(o => $"{o.Name} {o.Direction.ToString().ToLowerInvariant()}"))
           + (Constraints.Count == 0 ? "" : "; constraints " + string.Join(", ", Constraints.Select(c => c + " ≤ 0")));
}

/// <summary>
/// A score an objective returns: several objectives and constraints, typed. The generator implements it for every
/// <c>[ObjectiveScore]</c> type; no reflection is involved.
/// </summary>
public interface IObjectiveScore<TSelf> where TSelf : IObjectiveScore<TSelf>
{
    /// <summary>The objectives and constraints of this score type, in the order the arrays below use.</summary>
    static abstract ObjectiveSchema ObjectiveSchema { get; }

    /// <summary>The objectives' values of <paramref name="score"/>, in schema order.</summary>
    static abstract double[] GetObjectives(TSelf score);

    /// <summary>The constraints' values of <paramref name="score"/>, in schema order (empty when there are none).</summary>
    static abstract double[] GetConstraints(TSelf score);

    /// <summary>The score rebuilt from stored values (a resumed study's earlier trials).</summary>
    static abstract TSelf FromValues(IReadOnlyList<double> objectives, IReadOnlyList<double> constraints);
}

/// <summary>
/// The score type's objectives as recorded with a study's settings (<see cref="IStudyStorage.RecordSettings"/>, in every
/// storage): "objectives: Accuracy maximize, LatencyMs minimize; constraints: MemoryOverBudgetMb". Tools that read a
/// stored study (the report's Pareto front, <c>attune show</c>) learn the names and directions from it, and a rerun with
/// another score type is told, as a rerun with another sampler is.
/// </summary>
public static class ObjectiveSettings
{
    /// <summary>The text recorded for <paramref name="schema"/>.</summary>
    public static string Describe(ObjectiveSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return "objectives: " + string.Join(", ", schema.Objectives.Select(o => $"{o.Name} {o.Direction.ToString().ToLowerInvariant()}"))
               + (schema.Constraints.Count == 0 ? "" : "; constraints: " + string.Join(", ", schema.Constraints));
    }

    /// <summary>The objectives and constraints recorded in <paramref name="settings"/>, or null when it records none (a
    /// study of a plain objective, or one written before objectives were recorded).</summary>
    public static ObjectiveSchema? Parse(string? settings)
    {
        if (settings is null) return null;
        int at = settings.IndexOf("objectives: ", StringComparison.Ordinal);
        if (at < 0) return null;
        var parts = settings[(at + "objectives: ".Length)..].Split("; constraints: ");
        var objectives = new List<ObjectiveSpec>();
        foreach (var item in parts[0].Split(", "))
        {
            int space = item.LastIndexOf(' ');
            if (space <= 0 || !Enum.TryParse<Direction>(item[(space + 1)..], ignoreCase: true, out var direction) || direction == Direction.Auto) return null;
            objectives.Add(new ObjectiveSpec(item[..space], direction));
        }
        var constraints = parts.Length > 1 ? parts[1].Split(", ") : Array.Empty<string>();
        try { return new ObjectiveSchema(objectives, constraints); }
        catch (ArgumentException) { return null; }
    }
}

/// <summary>What one trial's objective returned, as the driver stores it: the objectives (the first is the trial's
/// <c>value</c>) and the constraints.</summary>
internal readonly record struct TrialScores(double[] Objectives, double[] Constraints)
{
    /// <summary>A plain objective's single value.</summary>
    public static TrialScores Single(double value) => new(new[] { value }, Array.Empty<double>());
}
