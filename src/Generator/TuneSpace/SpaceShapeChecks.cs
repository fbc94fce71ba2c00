using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>Checks on the space as a whole: AT0102 (a creatable class or record), AT0118 (no <c>required</c> member
    /// Decode cannot set), AT0115 (something is tuned), AT0117 (a grid is finite) and AT0122 (what CMA-ES leaves to chance).</summary>
    internal static class SpaceShapeChecks
    {

        /// <summary>AT0102 unless Decode can write <c>new T { ... }</c>: a non-abstract, non-static class or record
        /// with a parameterless constructor.</summary>
        internal static bool CheckShape(INamedTypeSymbol type, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            string? problem = null;
            if (type.TypeKind == TypeKind.Struct)
                problem = type.IsRecord ? "it is a record struct" : "it is a struct";
            else if (type.TypeKind != TypeKind.Class)
                problem = "it is " + (type.TypeKind == TypeKind.Interface ? "an interface" : "not a class");
            else if (type.IsStatic)
                problem = "it is static";
            else if (type.IsAbstract)
                problem = "it is abstract";
            else if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0))
                problem = "it has no parameterless constructor" + (type.IsRecord ? " (a positional record has none: declare the parameters as properties)" : "");

            if (problem is null)
                return true;
            diagnostics.Add(DiagnosticDescriptors.SpaceNotAClass, identifier, type.Name, problem);
            return false;
        }


        /// <summary>
        /// AT0118 for each <c>required</c> property or field (the type's or inherited) that Decode cannot set: one that is
        /// not tuned (<c>new T { ... }</c> has no value for it), or any, when the space has a conditional parameter (Decode
        /// reads inactive parameters' defaults from <c>new T()</c>).
        /// </summary>
        internal static bool CheckRequired(INamedTypeSymbol type, PropertyParser properties, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            var tuned = new HashSet<string>(properties.Entries.Where(e => e.Parameter is not null).Select(e => e.Property.Name), StringComparer.Ordinal);
            var conditional = properties.Parameters.Any(p => p.ConditionParameter is not null);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ok = true;
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    var required = member is IPropertySymbol { IsRequired: true } || member is IFieldSymbol { IsRequired: true };
                    if (!required || !seen.Add(member.Name))
                        continue;
                    var problem = !tuned.Contains(member.Name)
                        ? "it is not tuned, so Decode's 'new " + type.Name + " { ... }' has no value for it"
                        : conditional
                            ? "Decode reads the defaults of inactive conditional parameters from 'new " + type.Name + "()', which cannot set it"
                            : null;
                    if (problem is null)
                        continue;
                    var location = SymbolEqualityComparer.Default.Equals(member.ContainingType, type)
                        ? LocationInfo.From(member.Locations.FirstOrDefault())
                        : identifier;
                    diagnostics.Add(DiagnosticDescriptors.RequiredNotSettable, location, member.Name, type.Name, problem);
                    ok = false;
                }
            }
            return ok;
        }

        /// <summary>AT0115 for a space with no tuned property at all (one whose parameters are all broken is reported
        /// for those instead).</summary>
        internal static void CheckHasParameters(INamedTypeSymbol type, PropertyParser properties, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            if (properties.Parameters.Count == 0 && properties.AttemptedParameters == 0)
                diagnostics.Add(DiagnosticDescriptors.NoTunedParameter, identifier, type.Name);
        }

        /// <summary>AT0117 for Sampler.Grid over a space with continuous parameters, naming them.</summary>
        internal static void CheckGridIsFinite(INamedTypeSymbol type, ParsedSweepOptions options, PropertyParser properties, DiagnosticBag diagnostics)
        {
            if (options.Sampler != "Grid")
                return;
            var continuous = properties.Parameters.Where(p => p.Kind == TuneParameterKind.Float).Select(p => "'" + p.Name + "'").ToList();
            if (continuous.Count > 0)
                diagnostics.Add(DiagnosticDescriptors.GridNeedsFiniteSpace, options.Arguments.ArgumentLocation("Sampler"), type.Name, string.Join(", ", continuous));
        }

        /// <summary>AT0122 for Sampler.CmaEs over a space with parameters CMA-ES does not model — categorical ones
        /// ([Choice], bool, enum) and conditional ones ([ActiveWhen]) — naming them: the runtime draws those at random.</summary>
        internal static void CheckCmaEsSpace(INamedTypeSymbol type, ParsedSweepOptions options, PropertyParser properties, DiagnosticBag diagnostics)
        {
            if (options.Sampler != "CmaEs")
                return;
            var random = properties.Parameters
                .Where(p => p.Kind == TuneParameterKind.Categorical || p.ConditionParameter is not null)
                .Select(p => "'" + p.Name + "'" + (p.Kind == TuneParameterKind.Categorical ? " (categorical)" : " (conditional)"))
                .ToList();
            if (random.Count > 0)
                diagnostics.Add(DiagnosticDescriptors.CmaEsSamplesSomeAtRandom, options.Arguments.ArgumentLocation("Sampler"), type.Name, string.Join(", ", random));
        }
    }
}
