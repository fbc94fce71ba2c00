using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>What a [TuneSpace] type inherits: the generated members a base already has, and what code generated in
    /// the derived type may see.</summary>
    internal static class InheritedMembers
    {

        /// <summary>
        /// The generated members a base type already has, which the generated ones hide with <c>new</c>: everything a base
        /// <c>[TuneSpace]</c> gets generated (its generated code is not in the compilation the generator sees, so it is
        /// worked out here: <c>ApplyTo</c> only where that base binds fine-tune options), and members of the same names
        /// declared by hand on a base type.
        /// </summary>
        internal static List<string> HiddenMembers(INamedTypeSymbol type, KnownTypes known, CancellationToken cancellationToken)
        {
            var hidden = new HashSet<string>(StringComparer.Ordinal);
            var names = new[] { "Space", "DefaultSweepOptions", "IsFinite", "Decode", "Encode", "ApplyTo" };
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                if (known.TuneSpaceAttribute is { } tuneSpace && current.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, tuneSpace)))
                {
                    hidden.UnionWith(names.Take(5));
                    if (new PropertyParser(new SpaceContext(current, known, new DiagnosticBag(), cancellationToken)).Parse().Bindings.Count > 0)
                        hidden.Add("ApplyTo");
                }
                foreach (var name in names)
                {
                    if (current.GetMembers(name).Any(m => VisibleFromDerived(m, type)))
                        hidden.Add(name);
                }
            }
            return names.Where(hidden.Contains).ToList();
        }


        /// <summary>Whether code generated inside <paramref name="derived"/> may use <paramref name="member"/>, declared on
        /// one of its base types.</summary>
        internal static bool VisibleFromDerived(ISymbol member, INamedTypeSymbol derived)
            => member.DeclaredAccessibility switch
            {
                Accessibility.Private or Accessibility.NotApplicable => false,
                Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, derived.ContainingAssembly)
                    || member.ContainingAssembly.GivesAccessTo(derived.ContainingAssembly),
                _ => true,
            };
    }
}
