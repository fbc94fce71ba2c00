namespace Attune.Generator.Model
{
    /// <summary>One objective of a score type: the property and its direction ("Maximize" or "Minimize").</summary>
    internal sealed record ScoreObjectiveModel(string Name, string Direction);

    /// <summary>
    /// What the generator writes for one <c>[ObjectiveScore]</c> type, as plain values: its objectives and constraints
    /// in declaration order and how to build it back from stored values — a constructor (its parameters' member names,
    /// in its order) or, when <see cref="ConstructorOrder"/> is empty, an object initializer.
    /// </summary>
    internal sealed record ObjectiveScoreModel(
        HierarchyInfo Hierarchy,
        string HintName,
        string SelfType,
        string DocName,
        EquatableArray<ScoreObjectiveModel> Objectives,
        EquatableArray<string> Constraints,
        EquatableArray<string> ConstructorOrder);

    /// <summary>The parse of one <c>[ObjectiveScore]</c> type: its model (null when no code can be written) and diagnostics.</summary>
    internal sealed record ObjectiveScoreParseResult(ObjectiveScoreModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
