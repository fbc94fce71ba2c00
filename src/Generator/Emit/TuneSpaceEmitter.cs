using System.Linq;

namespace Attune.Generator.Emit
{
    /// <summary>
    /// Writes the generated half of one <c>[TuneSpace]</c> type: the static <c>Space</c> table, <c>DefaultSweepOptions</c>,
    /// <c>Decode</c>/<c>Encode</c>, the grid size, <c>RunSweep</c>/<c>RunSweepAsync</c> and, when properties match fine-tune
    /// options by name, <c>ApplyTo</c>.
    /// </summary>
    /// <remarks>
    /// Decode builds the instance in one object initializer (init-only properties allow nothing else). An inactive
    /// conditional parameter (NaN) takes the value of the same property on a fresh <c>new T()</c>, which is the
    /// property's initializer value; that works for records and classes alike, where <c>with</c> would need a record.
    /// Generated members that are not API (the choice tables) are prefixed <c>__Attune</c> so they do not collide with user
    /// members; the value checks are the runtime's <c>Attune.Search.TuneSpaceValues</c>.
    /// </remarks>
    internal static class TuneSpaceEmitter
    {
        private const string ValuesType = "global::System.Collections.Generic.IReadOnlyList<double>";

        /// <summary>The runtime's value checks, shared by every space instead of pasted into each.</summary>
        private const string Values = "global::Attune.Search.TuneSpaceValues";

        public static string Emit(TuneSpaceModel model)
        {
            var writer = new SourceWriter();
            writer.WriteLine(GeneratorInfo.Header);
            writer.WriteLine();

            var interfaces = $"global::Attune.Search.ITuneSpace<{model.SelfType}>" + (model.Bindings.Count > 0 ? ", global::Attune.FineTuning.IFineTuneBinding" : "");
            var blocks = TypeScaffold.Open(writer, model.Hierarchy, " : " + interfaces);
            WriteSpace(writer, model);
            writer.WriteLine();
            WriteOptions(writer, model);
            writer.WriteLine();
            WriteGrid(writer, model);
            writer.WriteLine();
            WriteDecode(writer, model);
            writer.WriteLine();
            WriteEncode(writer, model);
            writer.WriteLine();
            if (model.Bindings.Count > 0)
            {
                WriteApplyTo(writer, model);
                writer.WriteLine();
            }
            WriteRunSweep(writer, model);
            WriteChoiceTables(writer, model);
            TypeScaffold.Close(writer, blocks);
            return writer.ToString();
        }

        /// <summary>"new " where a base type already has the member (a space derived from another space).</summary>
        private static string New(TuneSpaceModel model, string member) => model.Hides.Contains(member) ? "new " : "";

        private static void WriteSpace(SourceWriter writer, TuneSpaceModel model)
        {
            writer.WriteLine($"""
                /// <summary>The search space declared on <c>{Xml(model.DocName)}</c>: one parameter per tuned property, in declaration order.</summary>
                {GeneratorInfo.GeneratedCodeAttribute}
                public {New(model, "Space")}static global::Attune.Search.SearchSpace Space {"{"} get; {"}"} = new global::Attune.Search.SearchSpace({Literal(model.SpaceName)}, new global::Attune.Search.ParameterSpec[]
                """);
            writer.WriteLine("{");
            writer.Indentation++;
            foreach (var parameter in model.Parameters)
            {
                var arguments = Literal(parameter.Name) + ", global::Attune.Search.ParameterKind." + parameter.Kind;
                switch (parameter.Kind)
                {
                    case TuneParameterKind.Float:
                        arguments += $", Low: {parameter.Low}, High: {parameter.High}" + (parameter.Log ? ", Log: true" : "");
                        break;
                    case TuneParameterKind.Int:
                        arguments += $", Low: {parameter.Low}, High: {parameter.High}" + (parameter.Log ? ", Log: true" : "") + $", Step: {parameter.Step}";
                        break;
                    default:
                        arguments += ", Choices: new string[] { " + string.Join(", ", parameter.Choices.Select(Literal)) + " }";
                        break;
                }
                if (parameter.ConditionParameter is { } controller)
                    arguments += $", Condition: new global::Attune.Search.ParameterCondition({Literal(controller)}, new int[] {{ {string.Join(", ", parameter.ConditionIndexes)} }})";
                writer.WriteLine($"new global::Attune.Search.ParameterSpec({arguments}),");
            }
            writer.Indentation--;
            writer.WriteLine("});");
        }

        private static void WriteOptions(SourceWriter writer, TuneSpaceModel model)
        {
            writer.WriteLine($"""
                /// <summary>The sweep options declared by [TuneSpace] on <c>{Xml(model.DocName)}</c> (the runtime's defaults for the rest); override with <c>with {"{"} ... {"}"}</c>.</summary>
                {GeneratorInfo.GeneratedCodeAttribute}
                """);
            OptionsInitializer.Write(writer, $"public {New(model, "DefaultSweepOptions")}static global::Attune.Search.SweepOptions DefaultSweepOptions {{ get; }}", "global::Attune.Search.SweepOptions", model.Options);
        }

        private static void WriteGrid(SourceWriter writer, TuneSpaceModel model)
        {
            if (model.GridSize is { } size)
            {
                writer.WriteLine($"""
                    /// <summary>The number of points of the space: the product of every parameter's number of values (conditional parameters counted in full; saturates at <see cref="long.MaxValue"/>).</summary>
                    {GeneratorInfo.GeneratedCodeAttribute}
                    public const long GridSize = {size};

                    """);
            }
            writer.WriteLine($"""
                /// <summary>True when every parameter has finitely many values, so that <c>Sampler.Grid</c> can enumerate the space.</summary>
                {GeneratorInfo.GeneratedCodeAttribute}
                public {New(model, "IsFinite")}static bool IsFinite => {(model.GridSize is null ? "false" : "true")};
                """);
        }

        private static void WriteDecode(SourceWriter writer, TuneSpaceModel model)
        {
            var count = model.Parameters.Count;
            var names = string.Join(", ", model.Parameters.Select(p => p.Name));
            var expected = count == 0 ? "no values" : count == 1 ? "1 value (" + names + ")" : count + " values (" + names + ")";
            var hasConditional = model.Parameters.Any(p => p.ConditionParameter is not null);
            writer.WriteLine($$"""
                /// <summary>An instance holding <paramref name="values"/> (one per parameter of <see cref="Space"/>: floats and ints by value, choices by index); a conditional parameter given as NaN (inactive) keeps its initializer's value.</summary>
                /// <exception cref="global::System.ArgumentException">The number of values is not the number of parameters, or a value is out of its parameter's domain.</exception>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{New(model, "Decode")}}static {{model.SelfType}} Decode({{ValuesType}} values)
                {
                    if (values is null)
                        throw new global::System.ArgumentNullException(nameof(values));
                    if (values.Count != {{count}})
                        throw new global::System.ArgumentException("{{Escape(model.DocName)}} expects {{Escape(expected)}}, but " + values.Count.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " were given.", nameof(values));
                """);
            writer.Indentation++;
            if (hasConditional)
                writer.WriteLine($"var __defaults = new {model.SelfType}();");
            writer.WriteLine($"return new {model.SelfType}");
            writer.WriteLine("{");
            writer.Indentation++;
            for (var i = 0; i < count; i++)
            {
                var parameter = model.Parameters[i];
                var value = parameter.Shape switch
                {
                    TuneValueShape.Double => $"{Values}.Number(Space, values, {i})",
                    TuneValueShape.Single => $"(float){Values}.Number(Space, values, {i})",
                    TuneValueShape.Int32 => $"checked((int)global::System.Math.Round({Values}.Number(Space, values, {i})))",
                    TuneValueShape.Int64 => $"checked((long)global::System.Math.Round({Values}.Number(Space, values, {i})))",
                    _ => $"{ChoicesField(parameter)}[{Values}.ChoiceIndex(Space, values, {i}, {parameter.Choices.Count})]",
                };
                if (parameter.ConditionParameter is not null)
                    value = $"double.IsNaN(values[{i}]) ? __defaults.{parameter.Identifier} : {value}";
                writer.WriteLine($"{parameter.Identifier} = {value},");
            }
            writer.Indentation--;
            writer.WriteLine("};");
            writer.Indentation--;
            writer.WriteLine("}");
        }

        private static void WriteEncode(SourceWriter writer, TuneSpaceModel model)
        {
            writer.WriteLine($$"""
                /// <summary>This instance's internal values, in <see cref="Space"/> order: floats and ints by value, choices by index, NaN for an inactive conditional parameter.</summary>
                /// <exception cref="global::System.InvalidOperationException">A choice property holds a value that is not one of its choices.</exception>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{New(model, "Encode")}}double[] Encode()
                {
                    var values = new double[{{model.Parameters.Count}}];
                """);
            writer.Indentation++;
            for (var i = 0; i < model.Parameters.Count; i++)
            {
                var parameter = model.Parameters[i];
                var value = parameter.Shape == TuneValueShape.Choice
                    ? $"{Values}.IndexOf(Space, {ChoicesField(parameter)}, this.{parameter.Identifier}, {Literal(parameter.Name)})"
                    : $"this.{parameter.Identifier}";
                if (parameter.ConditionParameter is not null)
                {
                    var parent = parameter.ConditionParameterIndex;
                    var active = string.Join(" || ", parameter.ConditionIndexes.Select(index => $"values[{parent}] == {index}"));
                    value = $"{(parameter.ConditionIndexes.Count > 1 ? "(" + active + ")" : active)} ? {value} : double.NaN";
                }
                writer.WriteLine($"values[{i}] = {value};");
            }
            writer.WriteLine("return values;");
            writer.Indentation--;
            writer.WriteLine("}");
        }

        private static void WriteApplyTo(SourceWriter writer, TuneSpaceModel model)
        {
            writer.WriteLine($$"""
                /// <summary><paramref name="options"/> with {{string.Join(", ", model.Bindings.Select(b => "<c>" + b.TrimStart('@') + "</c>"))}} replaced by this instance's values (bound by name at build time).</summary>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{New(model, "ApplyTo")}}global::Attune.FineTuning.FineTuneOptions ApplyTo(global::Attune.FineTuning.FineTuneOptions options)
                {
                    if (options is null)
                        throw new global::System.ArgumentNullException(nameof(options));
                    return options with
                    {
                """);
            writer.Indentation += 2;
            foreach (var binding in model.Bindings)
                writer.WriteLine($"{binding} = this.{binding},");
            writer.Indentation -= 2;
            writer.WriteLine("""
                    };
                }
                """);
        }

        private static void WriteRunSweep(SourceWriter writer, TuneSpaceModel model)
        {
            var self = model.SelfType;
            const string Optional = "global::Attune.Search.SweepOptions? options = null, global::System.IProgress<global::Attune.Search.SweepProgress>? progress = null, global::Microsoft.Extensions.Logging.ILogger? logger = null, global::System.Threading.CancellationToken cancellationToken = default";
            const string CommonDocs = """
                /// <param name="options">The sweep's options; <see cref="DefaultSweepOptions"/> when null.</param>
                /// <param name="progress">Receives progress after each trial.</param>
                /// <param name="logger">Receives the sweep's log.</param>
                /// <param name="cancellationToken">Stops the sweep; running trials see it through <c>trial.CancellationToken</c>.</param>
                /// <returns>Every trial of the study, earlier runs included, with typed parameters; <c>Best</c> is the best completed one.</returns>
                """;
            const string ScoredDocs = """
                /// <param name="options">The sweep's options; <see cref="DefaultSweepOptions"/> when null.</param>
                /// <param name="progress">Receives progress after each trial.</param>
                /// <param name="logger">Receives the sweep's log.</param>
                /// <param name="cancellationToken">Stops the sweep; running trials see it through <c>trial.CancellationToken</c>.</param>
                /// <returns>Every trial of the study, earlier runs included, with typed parameters and scores; <c>ParetoFront</c> holds the non-dominated feasible ones.</returns>
                """;
            writer.WriteLine($$"""
                /// <summary>Runs a sweep over <see cref="Space"/>: each trial gets typed parameters, returns the objective's value and may report intermediate values for pruning.</summary>
                /// <param name="objective">Runs one trial and returns its value.</param>
                {{CommonDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public static global::Attune.Search.SweepResult<{{self}}> RunSweep(global::System.Func<global::Attune.Search.Trial<{{self}}>, double> objective, {{Optional}})
                    => global::Attune.Search.Sweep.Run<{{self}}>(objective, options ?? DefaultSweepOptions, progress, logger, cancellationToken);

                /// <summary>Runs a sweep over <see cref="Space"/> with an asynchronous objective.</summary>
                /// <param name="objective">Runs one trial and returns its value.</param>
                {{CommonDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public static global::System.Threading.Tasks.Task<global::Attune.Search.SweepResult<{{self}}>> RunSweepAsync(global::System.Func<global::Attune.Search.Trial<{{self}}>, global::System.Threading.Tasks.Task<double>> objective, {{Optional}})
                    => global::Attune.Search.Sweep.RunAsync<{{self}}>(objective, options ?? DefaultSweepOptions, progress, logger, cancellationToken);

                /// <summary>Runs a sweep over <see cref="Space"/> whose objective returns an <c>[ObjectiveScore]</c> type: several objectives, each with its direction, and constraints.</summary>
                /// <typeparam name="TScore">The score type; the study's direction is its first objective's.</typeparam>
                /// <param name="objective">Runs one trial and returns its score.</param>
                {{ScoredDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public static global::Attune.Search.SweepResult<{{self}}, TScore> RunSweep<TScore>(global::System.Func<global::Attune.Search.Trial<{{self}}>, TScore> objective, {{Optional}})
                    where TScore : global::Attune.Search.IObjectiveScore<TScore>
                    => global::Attune.Search.Sweep.Run<{{self}}, TScore>(objective, options ?? DefaultSweepOptions, progress, logger, cancellationToken);

                /// <summary>Runs a sweep over <see cref="Space"/> with an asynchronous objective that returns an <c>[ObjectiveScore]</c> type.</summary>
                /// <typeparam name="TScore">The score type; the study's direction is its first objective's.</typeparam>
                /// <param name="objective">Runs one trial and returns its score.</param>
                {{ScoredDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public static global::System.Threading.Tasks.Task<global::Attune.Search.SweepResult<{{self}}, TScore>> RunSweepAsync<TScore>(global::System.Func<global::Attune.Search.Trial<{{self}}>, global::System.Threading.Tasks.Task<TScore>> objective, {{Optional}})
                    where TScore : global::Attune.Search.IObjectiveScore<TScore>
                    => global::Attune.Search.Sweep.RunAsync<{{self}}, TScore>(objective, options ?? DefaultSweepOptions, progress, logger, cancellationToken);
                """);
        }

        /// <summary>One static table per choice parameter; the value checks themselves are <c>Attune.Search.TuneSpaceValues</c>'s.</summary>
        private static void WriteChoiceTables(SourceWriter writer, TuneSpaceModel model)
        {
            foreach (var parameter in model.Parameters.Where(p => p.Shape == TuneValueShape.Choice))
            {
                writer.WriteLine();
                writer.WriteLine(GeneratorInfo.GeneratedCodeAttribute);
                writer.WriteLine($"private static readonly {parameter.TypeName}[] {ChoicesField(parameter)} = new {parameter.TypeName}[] {{ {string.Join(", ", parameter.ChoiceLiterals)} }};");
            }
        }

        private static string ChoicesField(TuneParameterModel parameter) => "__AttuneChoices_" + parameter.Name;

        private static string Literal(string value) => Common.Literals.String(value);

        /// <summary>Text inside an emitted regular string literal.</summary>
        private static string Escape(string text)
        {
            var literal = Literal(text);
            return literal.Substring(1, literal.Length - 2);
        }

        private static string Xml(string text) => Common.Literals.XmlText(text);
    }
}
