using Attune.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Model
{
    /// <summary>A diagnostic to report, as plain values (descriptor ID, location, message arguments).</summary>
    internal sealed record DiagnosticInfo(string DescriptorId, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
            => new DiagnosticInfo(descriptor.Id, location, new EquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic(SyntaxTree? tree)
        {
            var descriptor = DiagnosticDescriptors.Find(DescriptorId);
            var location = Location?.ToLocation(tree) ?? Microsoft.CodeAnalysis.Location.None;
            var arguments = new object[Arguments.Count];
            for (var i = 0; i < arguments.Length; i++)
                arguments[i] = Arguments[i];
            return Diagnostic.Create(descriptor, location, arguments);
        }
    }
}
