using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Attune.Generator.Model
{
    /// <summary>
    /// Where a diagnostic points, as plain values: a <see cref="Location"/> would keep the syntax tree (and through
    /// it the compilation) alive and would defeat the pipeline's caching.
    /// </summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
                return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }

        public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

        public static LocationInfo? From(SyntaxToken token) => From(token.GetLocation());

        /// <summary>Recreates the location; inside <paramref name="tree"/> when given, so that <c>#pragma</c> applies.</summary>
        public Location ToLocation(SyntaxTree? tree)
            => tree is not null && Span.End <= tree.Length
                ? Location.Create(tree, Span)
                : Location.Create(FilePath, Span, LineSpan);
    }
}
