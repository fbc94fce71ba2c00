using Microsoft.CodeAnalysis;

namespace Attune.Generator.Model
{
    /// <summary>
    /// A diagnostic to report, as plain values: the descriptor itself (equatable by its ID and texts), where it points
    /// and its message arguments. Keeping the descriptor, rather than its ID, means no lookup table that a new descriptor
    /// could be missing from.
    /// </summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
            => new DiagnosticInfo(descriptor, location, new EquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic(SyntaxTree? tree)
        {
            var location = Location?.ToLocation(tree) ?? Microsoft.CodeAnalysis.Location.None;
            var arguments = new object[Arguments.Count];
            for (var i = 0; i < arguments.Length; i++)
                arguments[i] = Arguments[i];
            return Diagnostic.Create(Descriptor, location, arguments);
        }
    }
}
