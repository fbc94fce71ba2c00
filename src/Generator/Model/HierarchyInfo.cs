namespace Attune.Generator.Model
{
    /// <summary>One type declaration to re-open as <c>partial</c>: its keyword(s), name and type-parameter list.</summary>
    /// <param name="Keyword">"class", "struct", "interface", "record" or "record struct".</param>
    /// <param name="Name">The type's name without type parameters (already escaped with <c>@</c> where needed).</param>
    /// <param name="TypeParameters">The type parameters, e.g. <c>&lt;T, U&gt;</c>, or empty.</param>
    internal sealed record TypeDeclarationInfo(string Keyword, string Name, string TypeParameters);

    /// <summary>
    /// Where the model type lives: its namespace (empty for the global namespace) and the chain of type
    /// declarations from the outermost containing type down to the model type itself.
    /// </summary>
    internal sealed record HierarchyInfo(string Namespace, EquatableArray<TypeDeclarationInfo> Types);
}
