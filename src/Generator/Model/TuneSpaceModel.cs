namespace Attune.Generator.Model
{
    /// <summary>How a tuned parameter is stored internally; mirrors <c>Attune.ParameterKind</c>.</summary>
    internal enum TuneParameterKind
    {
        Float = 0,
        Int = 1,
        Categorical = 2,
    }

    /// <summary>How the emitter turns a parameter's internal double into the property's value and back.</summary>
    internal enum TuneValueShape
    {
        /// <summary>A <c>double</c> property: the value itself.</summary>
        Double,
        /// <summary>A <c>float</c> property: cast.</summary>
        Single,
        /// <summary>An <c>int</c> property: rounded, then cast.</summary>
        Int32,
        /// <summary>A <c>long</c> property: rounded, then cast.</summary>
        Int64,
        /// <summary>A categorical: the value is an index into a static table of the property's values.</summary>
        Choice,
    }

    /// <summary>
    /// One tuned property, as plain values: what the <c>ParameterSpec</c> says (<see cref="Low"/>, <see cref="High"/>,
    /// <see cref="Step"/> are C# literals) and how to read and write the property.
    /// </summary>
    /// <param name="Name">The property's name (the parameter's name in the space).</param>
    /// <param name="Identifier">The property's name as a C# identifier (escaped with <c>@</c> where needed).</param>
    /// <param name="TypeName">The property's type, fully qualified.</param>
    /// <param name="Choices">A categorical's choices as invariant text (the space's <c>Choices</c>).</param>
    /// <param name="ChoiceLiterals">A categorical's choices as C# expressions of the property's type, same order.</param>
    /// <param name="ConditionParameter">The controlling parameter of a conditional parameter, or null.</param>
    /// <param name="ConditionParameterIndex">The controlling parameter's position in the space.</param>
    /// <param name="ConditionIndexes">The controlling parameter's choice indexes that make this one active.</param>
    internal sealed record TuneParameterModel(
        string Name,
        string Identifier,
        string TypeName,
        TuneParameterKind Kind,
        TuneValueShape Shape,
        string Low,
        string High,
        bool Log,
        string Step,
        EquatableArray<string> Choices,
        EquatableArray<string> ChoiceLiterals,
        string? ConditionParameter,
        int ConditionParameterIndex,
        EquatableArray<int> ConditionIndexes);

    /// <summary>Everything the emitter needs for one <c>[TuneSpace]</c> type; plain, equatable values only.</summary>
    /// <param name="SelfType">The type as written inside itself, e.g. <c>Sweep&lt;T&gt;</c>.</param>
    /// <param name="SpaceName">The full name: the search space's name and the default study name.</param>
    /// <param name="Options">The <c>SweepOptions</c> initializer: property name and C# literal.</param>
    /// <param name="Bindings">Properties copied onto <c>FineTuneOptions</c> by <c>ApplyTo</c> (identifiers); empty
    /// when the space does not implement <c>IFineTuneBinding</c>.</param>
    /// <param name="GridSize">The number of points of a finite space (saturated at <c>long.MaxValue</c>), or null.</param>
    internal sealed record TuneSpaceModel(
        HierarchyInfo Hierarchy,
        string HintName,
        string SelfType,
        string SpaceName,
        string DocName,
        EquatableArray<TuneParameterModel> Parameters,
        EquatableArray<OptionAssignment> Options,
        EquatableArray<string> Bindings,
        long? GridSize,
        EquatableArray<string> Hides);

    /// <summary>What the parser found for one <c>[TuneSpace]</c> type: the model to emit (null when the generated code
    /// would not compile) and the diagnostics, which travel on their own pipeline.</summary>
    internal sealed record TuneSpaceParseResult(TuneSpaceModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
