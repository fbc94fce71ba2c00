using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Common
{
    /// <summary>Checks on the declaration that carries [FineTune] or [TuneSpace], shared by both halves.</summary>
    internal static class DeclarationChecks
    {
        /// <summary>
        /// Reports <paramref name="descriptor"/> (AT0001 or AT0101) for the type and for each containing type declared
        /// once without <c>partial</c>; false when any is. A type declared in several parts where one part lacks the
        /// modifier is the compiler's CS0260 already, so it is left to the compiler.
        /// </summary>
        public static bool IsPartial(INamedTypeSymbol type, DiagnosticDescriptor descriptor, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            var ok = true;
            foreach (var current in HierarchyParser.Chain(type))
            {
                var references = current.DeclaringSyntaxReferences;
                if (references.Length != 1)
                    continue;
                if (references[0].GetSyntax() is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(descriptor, identifier, type.Name, current.Name);
                    ok = false;
                }
            }
            return ok;
        }

        /// <summary>
        /// With the attribute on several declarations of one partial type (CS0579), each declaration is a separate
        /// pipeline item; only the first declaration that carries it is parsed, so that a hint name is added once.
        /// </summary>
        public static bool IsPrimaryDeclaration(INamedTypeSymbol type, AttributeData attribute, SyntaxNode target, Compilation compilation, CancellationToken cancellationToken)
        {
            if (type.DeclaringSyntaxReferences.Length < 2 || attribute.AttributeClass is null)
                return true;
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || declaration.AttributeLists.Count == 0)
                    continue;
                var semanticModel = compilation.GetSemanticModel(declaration.SyntaxTree);
                foreach (var list in declaration.AttributeLists)
                {
                    foreach (var candidate in list.Attributes)
                    {
                        var constructor = semanticModel.GetSymbolInfo(candidate, cancellationToken).Symbol;
                        if (SymbolEqualityComparer.Default.Equals(constructor?.ContainingType, attribute.AttributeClass))
                            return declaration == target;
                    }
                }
            }
            return true;
        }
    }
}
