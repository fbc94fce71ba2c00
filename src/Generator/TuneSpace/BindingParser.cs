using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>Properties that bind to <c>FineTuneOptions</c> by name for <c>ApplyTo</c> (AT0120 on a type mismatch).</summary>
    internal sealed class BindingParser
    {
        private readonly SpaceContext _context;

        public BindingParser(SpaceContext context) => _context = context;

        /// <summary>The identifiers of the properties that bind; empty without the runtime's <c>FineTuneOptions</c>.</summary>
        public List<string> Parse(List<PropertyEntry> entries)
        {
            var bindings = new List<string>();
            if (_context.Known.FineTuneOptions is not { } options)
                return bindings;
            foreach (var entry in entries)
            {
                var property = entry.Property;
                if (property.IsStatic || property.GetMethod is null)
                    continue;
                var option = options.GetMembers(property.Name).OfType<IPropertySymbol>()
                    .FirstOrDefault(p => !p.IsStatic && p.DeclaredAccessibility == Accessibility.Public && p.SetMethod is { DeclaredAccessibility: Accessibility.Public });
                if (option is null)
                    continue;
                // A nullable option (LoraRank: int?, null meaning "as declared") takes a property of its underlying type.
                var underlying = option.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : null;
                var sameType = (SymbolEqualityComparer.Default.Equals(property.Type, option.Type)
                        || (underlying is not null && SymbolEqualityComparer.Default.Equals(property.Type, underlying)))
                    && !(option.Type.IsReferenceType && option.NullableAnnotation == NullableAnnotation.NotAnnotated && property.NullableAnnotation == NullableAnnotation.Annotated);
                if (!sameType)
                {
                    if (property.Type.TypeKind != TypeKind.Error)
                    {
                        _context.Diagnostics.Add(
                            DiagnosticDescriptors.BindingTypeMismatch,
                            _context.PropertyLocation(property),
                            property.Name,
                            _context.Type.Name,
                            property.Type.ToDisplayString(ShortTypeFormat),
                            option.Type.ToDisplayString(ShortTypeFormat));
                    }
                    continue;
                }
                bindings.Add(Literals.Identifier(property.Name));
            }
            return bindings;
        }
    }
}
