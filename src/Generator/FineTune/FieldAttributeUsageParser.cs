using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>AT0014: a field attribute in a type without [FineTune] does nothing. Types with [FineTune] are
    /// checked by <see cref="FieldRulesParser"/> instead.</summary>
    internal static class FieldAttributeUsageParser
    {
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken)
            => node is VariableDeclaratorSyntax or PropertyDeclarationSyntax;

        public static DiagnosticInfo? Parse(GeneratorAttributeSyntaxContext context, string attributeName, CancellationToken cancellationToken)
        {
            try
            {
                // One report per attribute: with `[Freeze] Linear a, b;` only the first declarator reports.
                if (context.TargetNode is VariableDeclaratorSyntax declarator
                    && declarator.Parent is VariableDeclarationSyntax declaration
                    && declaration.Variables.Count > 0
                    && declaration.Variables[0] != declarator)
                    return null;

                var containingType = context.TargetSymbol.ContainingType;
                if (containingType is null || context.Attributes.Length == 0)
                    return null;
                foreach (var attribute in containingType.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() == KnownTypes.FineTuneAttributeName)
                        return null;
                }

                var location = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken));
                return DiagnosticInfo.Create(DiagnosticDescriptors.FieldAttributeWithoutFineTune, location, attributeName, context.TargetSymbol.Name, containingType.Name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode), context.TargetSymbol?.Name ?? "?", exception.GetType().Name + ": " + exception.Message);
            }
        }
    }
}
