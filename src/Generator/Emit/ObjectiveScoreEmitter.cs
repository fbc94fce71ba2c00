using System.Linq;
using Attune.Generator.Common;
using Attune.Generator.Model;

namespace Attune.Generator.Emit
{
    /// <summary>
    /// Writes the generated half of one <c>[ObjectiveScore]</c> type: <c>Attune.Search.IObjectiveScore&lt;T&gt;</c> —
    /// the static <c>ObjectiveSchema</c> (names and directions), the values in schema order, and the score rebuilt from
    /// stored values (by the constructor the parser found, else an object initializer). No reflection at run time.
    /// </summary>
    internal static class ObjectiveScoreEmitter
    {
        private const string Values = "global::System.Collections.Generic.IReadOnlyList<double>";

        public static string Emit(ObjectiveScoreModel model)
        {
            var writer = new SourceWriter();
            writer.WriteLine(GeneratorInfo.Header);
            writer.WriteLine();
            var self = model.SelfType;
            var score = $"global::Attune.Search.IObjectiveScore<{self}>";
            var blocks = TypeScaffold.Open(writer, model.Hierarchy, " : " + score);

            var specs = string.Join(", ", model.Objectives.Select(o => $"new global::Attune.Search.ObjectiveSpec({Literals.String(o.Name)}, global::Attune.Direction.{o.Direction})"));
            var constraintNames = string.Join(", ", model.Constraints.Select(c => Literals.String(c)));
            var objectives = string.Join(", ", model.Objectives.Select(o => "score." + Literals.Identifier(o.Name)));
            var constraints = string.Join(", ", model.Constraints.Select(c => "score." + Literals.Identifier(c)));
            string Source(string member)
            {
                for (var i = 0; i < model.Objectives.Count; i++)
                    if (model.Objectives[i].Name == member) return $"objectives[{i}]";
                for (var i = 0; i < model.Constraints.Count; i++)
                    if (model.Constraints[i] == member) return $"constraints[{i}]";
                return "0";
            }
            var rebuilt = model.ConstructorOrder.Count > 0
                ? $"new {self}({string.Join(", ", model.ConstructorOrder.Select(Source))})"
                : $"new {self} {{ {string.Join(", ", model.Objectives.Select(o => o.Name).Concat(model.Constraints).Select(m => $"{Literals.Identifier(m)} = {Source(m)}"))} }}";
            var mismatch = Literals.String($"{model.DocName} has {model.Objectives.Count} objective(s) and {model.Constraints.Count} constraint(s); the stored trial has ");

            writer.WriteLine($$"""
                /// <summary>The objectives and constraints of <c>{{Literals.XmlText(model.DocName)}}</c>, in the order stored with each trial.</summary>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public static global::Attune.Search.ObjectiveSchema ObjectiveSchema { get; } = new global::Attune.Search.ObjectiveSchema(
                    new global::Attune.Search.ObjectiveSpec[] { {{specs}} },
                    new string[] { {{constraintNames}} });

                {{GeneratorInfo.GeneratedCodeAttribute}}
                static double[] {{score}}.GetObjectives({{self}} score) => new double[] { {{objectives}} };

                {{GeneratorInfo.GeneratedCodeAttribute}}
                static double[] {{score}}.GetConstraints({{self}} score) => new double[] { {{constraints}} };

                {{GeneratorInfo.GeneratedCodeAttribute}}
                static {{self}} {{score}}.FromValues({{Values}} objectives, {{Values}} constraints)
                {
                    if (objectives.Count != {{model.Objectives.Count}} || constraints.Count != {{model.Constraints.Count}})
                        throw new global::System.ArgumentException({{mismatch}} + objectives.Count + " and " + constraints.Count + ".");
                    return {{rebuilt}};
                }
                """);
            TypeScaffold.Close(writer, blocks);
            return writer.ToString();
        }
    }
}
