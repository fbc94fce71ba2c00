using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Common
{
    /// <summary>Describes the model type's namespace and containing types, and names its generated file.</summary>
    internal static class HierarchyParser
    {
        /// <summary>A type's full name as users write it (no <c>global::</c>, keywords for special types): how both halves
        /// name a model or space in messages and study names.</summary>
        internal static readonly SymbolDisplayFormat DisplayNameFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)
                .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private static readonly SymbolDisplayFormat NamespaceFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted);

        public static HierarchyInfo Parse(INamedTypeSymbol type)
        {
            var types = new List<TypeDeclarationInfo>();
            for (var current = type; current is not null; current = current.ContainingType)
                types.Add(new TypeDeclarationInfo(Keyword(current), Literals.Identifier(current.Name), TypeParameters(current)));
            types.Reverse();

            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing
                ? containing.ToDisplayString(NamespaceFormat)
                : string.Empty;
            return new HierarchyInfo(ns, types.ToEquatableArray());
        }

        /// <summary>The types from the outermost containing type down to <paramref name="type"/>.</summary>
        public static List<INamedTypeSymbol> Chain(INamedTypeSymbol type)
        {
            var chain = new List<INamedTypeSymbol>();
            for (var current = type; current is not null; current = current.ContainingType)
                chain.Add(current);
            chain.Reverse();
            return chain;
        }

        /// <summary>
        /// <c>Namespace.Outer.Inner</c> with each type's parameters appended as <c>_T_U_</c>, so the name is stable and
        /// safe as a file name: <c>Outer.Inner&lt;T&gt;</c> becomes <c>Outer.Inner_T_</c>.
        /// </summary>
        public static string HintName(INamedTypeSymbol type, string suffix)
        {
            var builder = new StringBuilder();
            if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
                builder.Append(ns.ToDisplayString()).Append('.');
            var first = true;
            foreach (var current in Chain(type))
            {
                if (!first)
                    builder.Append('.');
                first = false;
                builder.Append(current.Name);
                if (current.TypeParameters.Length > 0)
                    builder.Append('_').Append(string.Join("_", current.TypeParameters.Select(p => p.Name))).Append('_');
            }

            for (var i = 0; i < builder.Length; i++)
            {
                var c = builder[i];
                if (!(char.IsLetterOrDigit(c) && c < 128) && c != '.' && c != '_')
                    builder[i] = '_';
            }
            return builder.Append(suffix).ToString();
        }

        private static string Keyword(INamedTypeSymbol type)
        {
            if (type.IsRecord)
                return type.IsValueType ? "record struct" : "record";
            return type.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
        }

        private static string TypeParameters(INamedTypeSymbol type)
            => type.TypeParameters.Length == 0
                ? string.Empty
                : "<" + string.Join(", ", type.TypeParameters.Select(p => Literals.Identifier(p.Name))) + ">";
    }
}
