namespace Attune.Generator.Model
{
    /// <summary>How a tuned parameter is stored internally; mirrors <c>Attune.Search.ParameterKind</c>.</summary>
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
    /// <see cref="Step"/> are C# literals) and how to read and write the property. Made by <see cref="Float"/>,
    /// <see cref="Int"/> or <see cref="Categorical"/>, each setting only what its kind has; a condition is added with
    /// <see cref="WithCondition"/>.
    /// </summary>
    internal sealed record TuneParameterModel
    {
        private TuneParameterModel(string name, string typeName, TuneParameterKind kind, TuneValueShape shape)
        {
            Name = name;
            Identifier = Literals.Identifier(name);
            TypeName = typeName;
            Kind = kind;
            Shape = shape;
        }

        /// <summary>A [Uniform] or [LogUniform] parameter of a double or float property.</summary>
        public static TuneParameterModel Float(string name, string typeName, TuneValueShape shape, double low, double high, bool log)
            => new TuneParameterModel(name, typeName, TuneParameterKind.Float, shape) { Low = Literals.Double(low), High = Literals.Double(high), Log = log };

        /// <summary>An [IntRange] parameter of an int or long property.</summary>
        public static TuneParameterModel Int(string name, string typeName, TuneValueShape shape, long low, long high, bool log, long step)
            => new TuneParameterModel(name, typeName, TuneParameterKind.Int, shape)
            {
                Low = Literals.Integer(low),
                High = Literals.Integer(high),
                Log = log,
                Step = Literals.Integer(step),
            };

        /// <summary>A categorical parameter: <paramref name="choices"/> as the space stores them (invariant text) and
        /// <paramref name="choiceLiterals"/> as C# expressions of the property's type, in the same order.</summary>
        public static TuneParameterModel Categorical(string name, string typeName, EquatableArray<string> choices, EquatableArray<string> choiceLiterals)
            => new TuneParameterModel(name, typeName, TuneParameterKind.Categorical, TuneValueShape.Choice) { Choices = choices, ChoiceLiterals = choiceLiterals };

        /// <summary>This parameter, active only when <paramref name="controller"/> takes one of the choices at
        /// <paramref name="choiceIndexes"/>; <see cref="ConditionParameterIndex"/> is set once every parameter is known.</summary>
        public TuneParameterModel WithCondition(string controller, EquatableArray<int> choiceIndexes)
            => this with { ConditionParameter = controller, ConditionIndexes = choiceIndexes };

        /// <summary>The property's name (the parameter's name in the space).</summary>
        public string Name { get; }

        /// <summary>The property's name as a C# identifier (escaped with <c>@</c> where needed).</summary>
        public string Identifier { get; }

        /// <summary>The property's type, fully qualified.</summary>
        public string TypeName { get; }

        public TuneParameterKind Kind { get; }
        public TuneValueShape Shape { get; }
        public string Low { get; private init; } = "0";
        public string High { get; private init; } = "0";
        public bool Log { get; private init; }
        public string Step { get; private init; } = "0";

        /// <summary>A categorical's choices as invariant text (the space's <c>Choices</c>).</summary>
        public EquatableArray<string> Choices { get; private init; } = EquatableArray<string>.Empty;

        /// <summary>A categorical's choices as C# expressions of the property's type, same order.</summary>
        public EquatableArray<string> ChoiceLiterals { get; private init; } = EquatableArray<string>.Empty;

        /// <summary>The controlling parameter of a conditional parameter, or null.</summary>
        public string? ConditionParameter { get; private init; }

        /// <summary>The controlling parameter's position in the space; -1 without a condition.</summary>
        public int ConditionParameterIndex { get; init; } = -1;

        /// <summary>The controlling parameter's choice indexes that make this one active.</summary>
        public EquatableArray<int> ConditionIndexes { get; private init; } = EquatableArray<int>.Empty;
    }

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
