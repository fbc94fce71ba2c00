using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>What every part of one space's parse shares: the type, the known types, the diagnostics and the
    /// cancellation token, and where in the attribute syntax a diagnostic points.</summary>
    internal sealed class SpaceContext
    {
        private readonly System.Threading.CancellationToken _cancellationToken;

        public SpaceContext(INamedTypeSymbol type, KnownTypes known, DiagnosticBag diagnostics, System.Threading.CancellationToken cancellationToken)
        {
            Type = type;
            Known = known;
            Diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        public INamedTypeSymbol Type { get; }
        public KnownTypes Known { get; }
        public DiagnosticBag Diagnostics { get; }
        public System.Threading.CancellationToken CancellationToken => _cancellationToken;


        public LocationInfo? AttributeLocation(AttributeData attribute)
            => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken));

        public LocationInfo? PositionalArgumentLocation(AttributeData attribute, int index)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                return null;
            var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            return index < positional.Count ? LocationInfo.From(positional[index]) : null;
        }

        /// <summary>The argument that holds value <paramref name="index"/> of a params array starting at
        /// <paramref name="first"/>, when the values are written one by one.</summary>
        public LocationInfo? ParamsArgumentLocation(AttributeData attribute, int first, int index, int count)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                return null;
            var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            return positional.Count == first + count ? LocationInfo.From(positional[first + index]) : null;
        }

        public LocationInfo? NamedArgumentLocation(AttributeData attribute, string name)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                return null;
            var argument = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return argument is null ? null : LocationInfo.From(argument);
        }

        public LocationInfo? PropertyLocation(IPropertySymbol property)
        {
            var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
            return syntax switch
            {
                PropertyDeclarationSyntax declaration => LocationInfo.From(declaration.Identifier),
                ParameterSyntax parameter => LocationInfo.From(parameter.Identifier),
                _ => LocationInfo.From(syntax) ?? LocationInfo.From(property.Locations.FirstOrDefault()),
            };
        }

        public LocationInfo? PropertyTypeLocation(IPropertySymbol property)
        {
            var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
            return syntax is PropertyDeclarationSyntax declaration ? LocationInfo.From(declaration.Type) : PropertyLocation(property);
        }
    }
}
