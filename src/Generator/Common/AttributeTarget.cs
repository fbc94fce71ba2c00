using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Common
{
    /// <summary>The type declaration that carries [FineTune] or [TuneSpace], read the same way by both halves.</summary>
    internal sealed class AttributeTarget
    {
        private AttributeTarget(INamedTypeSymbol type, AttributeData attribute, LocationInfo? identifier, AttributeSyntax? attributeSyntax)
        {
            Type = type;
            Attribute = attribute;
            Identifier = identifier;
            AttributeSyntax = attributeSyntax;
        }

        public INamedTypeSymbol Type { get; }
        public AttributeData Attribute { get; }

        /// <summary>The type's name in this declaration, where declaration-level diagnostics point.</summary>
        public LocationInfo? Identifier { get; }

        public AttributeSyntax? AttributeSyntax { get; }

        /// <summary>Test seam: called for every target read, inside each half's AT0099 guard, so tests can prove that an
        /// unexpected failure becomes AT0099. Always null outside tests.</summary>
        internal static Action<INamedTypeSymbol>? FaultInjection;

        /// <summary>The target, or null when there is nothing to parse: not a type declaration, or a declaration that
        /// repeats the attribute on another part of a partial type (CS0579), which is left to the first one so that a
        /// hint name is added once.</summary>
        public static AttributeTarget? Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration || context.Attributes.Length == 0)
                return null;
            var attribute = context.Attributes[0];
            if (!DeclarationChecks.IsPrimaryDeclaration(type, attribute, declaration, context.SemanticModel.Compilation, cancellationToken))
                return null;
            FaultInjection?.Invoke(type);
            return new AttributeTarget(
                type,
                attribute,
                LocationInfo.From(declaration.Identifier),
                attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax);
        }
    }
}
