using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Attune.Generator.Common;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Objectives
{
    /// <summary>
    /// Turns one <c>[ObjectiveScore]</c> type into an <see cref="ObjectiveScoreModel"/>: its <c>[Objective]</c> and
    /// <c>[Constraint]</c> properties (AT0124 when one is not a double, AT0127 for a direction that is not Maximize or
    /// Minimize), at least one objective (AT0123), <c>partial</c> (AT0125), and a way to build it back (AT0126).
    /// </summary>
    internal static class ObjectiveScoreParser
    {
        /// <summary>Never throws (except on cancellation): an unexpected exception becomes AT0099.</summary>
        public static ObjectiveScoreParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => InternalErrors.Guard(context, cancellationToken, ParseCore, errors => new ObjectiveScoreParseResult(null, errors));

        private static ObjectiveScoreParseResult ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (AttributeTarget.Read(context, cancellationToken) is not { } target)
                return new ObjectiveScoreParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            var type = target.Type;
            var diagnostics = new DiagnosticBag();
            var canEmit = DeclarationChecks.IsPartial(type, DiagnosticDescriptors.ScoreNotPartial, target.Identifier, diagnostics);

            var objectives = new List<ScoreObjectiveModel>();
            var constraints = new List<string>();
            bool marked = false; // an [Objective] seen, even a broken one (reported on its own)
            // Declaration order (a positional record's properties are where its parameters are): the order stored with each trial.
            var properties = type.GetMembers().OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && p.Locations.Length > 0)
                .OrderBy(p => p.Locations[0].SourceSpan.Start);
            foreach (var property in properties)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var attribute in property.GetAttributes())
                {
                    string? name = attribute.AttributeClass?.ToDisplayString();
                    bool isObjective = name == KnownTypes.ObjectiveAttributeName;
                    if (!isObjective && name != KnownTypes.ConstraintAttributeName) continue;
                    marked |= isObjective;
                    var location = LocationInfo.From(property.Locations[0]);
                    if (property.Type.SpecialType != SpecialType.System_Double)
                    {
                        diagnostics.Add(DiagnosticDescriptors.ScoreMemberNotDouble, location, property.Name, type.Name, isObjective ? "Objective" : "Constraint",
                            property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
                        canEmit = false;
                        continue;
                    }
                    if (!isObjective)
                    {
                        constraints.Add(property.Name);
                        continue;
                    }
                    string direction = Direction(attribute);
                    if (direction is not ("Maximize" or "Minimize"))
                    {
                        var at = attribute.ApplicationSyntaxReference is { } reference ? LocationInfo.From(reference.GetSyntax(cancellationToken).GetLocation()) : location;
                        diagnostics.Add(DiagnosticDescriptors.ObjectiveWithoutDirection, at, property.Name, type.Name, direction);
                        canEmit = false;
                        continue;
                    }
                    objectives.Add(new ScoreObjectiveModel(property.Name, direction));
                }
            }

            if (!marked)
            {
                diagnostics.Add(DiagnosticDescriptors.ScoreWithoutObjective, target.Identifier, type.Name);
                canEmit = false;
            }

            var members = objectives.Select(o => o.Name).Concat(constraints).ToList();
            List<string>? order = null;
            if (canEmit)
            {
                order = ConstructorOrder(type, members);
                if (order is null && !CanInitialize(type, members))
                {
                    diagnostics.Add(DiagnosticDescriptors.ScoreCannotBeBuilt, target.Identifier, type.Name, string.Join(", ", members));
                    canEmit = false;
                }
            }

            ObjectiveScoreModel? model = null;
            if (canEmit)
            {
                var hierarchy = HierarchyParser.Parse(type);
                var self = hierarchy.Types[hierarchy.Types.Count - 1];
                model = new ObjectiveScoreModel(hierarchy, HierarchyParser.HintName(type, ".ObjectiveScore.g.cs"), self.Name + self.TypeParameters,
                    type.ToDisplayString(HierarchyParser.DisplayNameFormat), objectives.ToEquatableArray(), constraints.ToEquatableArray(),
                    (order ?? new List<string>()).ToEquatableArray());
            }
            return new ObjectiveScoreParseResult(model, diagnostics.ToEquatableArray());
        }

        /// <summary>The member names a constructor's parameters stand for, in its order, when some constructor takes
        /// exactly the score's members (by name, ignoring case, each a double); else null.</summary>
        private static List<string>? ConstructorOrder(INamedTypeSymbol type, List<string> members)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.Parameters.Length != members.Count || constructor.Parameters.Length == 0) continue;
                var order = new List<string>();
                foreach (var parameter in constructor.Parameters)
                {
                    var member = members.FirstOrDefault(m => string.Equals(m, parameter.Name, StringComparison.OrdinalIgnoreCase));
                    if (member is null || order.Contains(member) || parameter.Type.SpecialType != SpecialType.System_Double || parameter.RefKind != RefKind.None) break;
                    order.Add(member);
                }
                if (order.Count == members.Count) return order;
            }
            return null;
        }

        /// <summary>Whether <c>new T { Member = …, … }</c> compiles: a parameterless constructor (a struct always has
        /// one), every member settable, and no other required member.</summary>
        private static bool CanInitialize(INamedTypeSymbol type, List<string> members)
        {
            bool parameterless = type.IsValueType || type.InstanceConstructors.Any(c => c.Parameters.Length == 0);
            if (!parameterless || type.IsAbstract) return false;
            var properties = type.GetMembers().OfType<IPropertySymbol>().ToList();
            if (!members.All(m => properties.Any(p => p.Name == m && p.SetMethod is not null))) return false;
            return !type.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true } && !members.Contains(m.Name));
        }

        private static string Direction(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
                return "Auto";
            var value = attribute.ConstructorArguments[0].Value;
            return enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value))?.Name
                   ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "Auto";
        }
    }
}
