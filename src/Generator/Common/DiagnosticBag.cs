using System.Collections.Generic;
using System.Linq;

namespace Attune.Generator.Common
{
    /// <summary>The diagnostics one parse collects, in the order found, without repeats (one attribute on
    /// <c>Linear a, b;</c> is seen through both fields).</summary>
    internal sealed class DiagnosticBag
    {
        private readonly List<DiagnosticInfo> _items = new List<DiagnosticInfo>();

        public void Add(DiagnosticInfo diagnostic) => _items.Add(diagnostic);

        public void Add(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
            => _items.Add(DiagnosticInfo.Create(descriptor, location, arguments));

        public int Count => _items.Count;

        public EquatableArray<DiagnosticInfo> ToEquatableArray()
        {
            var seen = new HashSet<DiagnosticInfo>();
            return _items.Where(seen.Add).ToEquatableArray();
        }
    }
}
