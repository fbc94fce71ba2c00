using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.FineTune
{
    /// <summary>Checks the method named by <c>CustomLoss</c> or <c>CustomMetric</c> and says how to call it.</summary>
    internal static class CustomHookParser
    {
        private static readonly SymbolDisplayFormat SignatureFormat = new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeModifiers | SymbolDisplayMemberOptions.IncludeRef,
            parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName | SymbolDisplayParameterOptions.IncludeParamsRefOut,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        /// <param name="isLoss">True for a loss (returns Tensor), false for a metric (returns double).</param>
        public static CustomHookModel? Parse(INamedTypeSymbol type, string methodName, bool isLoss, KnownTypes known, LocationInfo? location, DiagnosticBag diagnostics)
        {
            var candidates = FindMethods(type, methodName);
            var descriptor = isLoss ? DiagnosticDescriptors.InvalidCustomLoss : DiagnosticDescriptors.InvalidCustomMetric;
            if (candidates.Count == 0)
            {
                diagnostics.Add(descriptor, location, methodName, "'" + type.Name + "' has no method of that name", type.Name);
                return null;
            }

            var match = candidates.FirstOrDefault(m => Matches(m, isLoss, known));
            if (match is null)
            {
                // An unresolved type in the signature is already a compile error.
                if (candidates.Any(HasErrorType))
                    return null;
                var found = string.Join("', '", candidates.Select(m => m.ToDisplayString(SignatureFormat)));
                diagnostics.Add(descriptor, location, methodName, "its signature is '" + found + "'", type.Name);
                return null;
            }

            var expression = match.IsStatic
                ? match.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + Literals.Identifier(match.Name)
                : "this." + Literals.Identifier(match.Name);
            return new CustomHookModel(expression);
        }

        private static List<IMethodSymbol> FindMethods(INamedTypeSymbol type, string name)
        {
            var own = type.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
            if (own.Count > 0)
                return own;
            for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
            {
                var inherited = baseType.GetMembers(name).OfType<IMethodSymbol>()
                    .Where(m => m.MethodKind == MethodKind.Ordinary && m.DeclaredAccessibility != Accessibility.Private)
                    .ToList();
                if (inherited.Count > 0)
                    return inherited;
            }
            return own;
        }

        private static bool Matches(IMethodSymbol method, bool isLoss, KnownTypes known)
        {
            if (method.IsGenericMethod || method.Parameters.Length != 2 || method.ReturnsByRef || method.ReturnsByRefReadonly)
                return false;
            foreach (var parameter in method.Parameters)
            {
                if (parameter.RefKind != RefKind.None || !known.IsTensor(parameter.Type))
                    return false;
            }
            return isLoss ? known.IsTensor(method.ReturnType) : method.ReturnType.SpecialType == SpecialType.System_Double;
        }

        private static bool HasErrorType(IMethodSymbol method)
            => method.ReturnType.TypeKind == TypeKind.Error || method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error);
    }
}
