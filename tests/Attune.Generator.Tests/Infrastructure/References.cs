using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// The metadata references of a test compilation, loaded once: the .NET 10 framework assemblies (from the trusted
/// platform assemblies) plus TorchSharp, Attune and Microsoft.Extensions.Logging.Abstractions from the test output.
/// </summary>
public static class References
{
    private static readonly string[] LibraryAssemblies =
    {
        "TorchSharp.dll",
        "Attune.Runtime.dll",
        "Attune.Attributes.dll",
        "Microsoft.Extensions.Logging.Abstractions.dll",
    };

    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(Load);

    public static ImmutableArray<MetadataReference> All => Lazy.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var paths = trusted
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .ToList();
        foreach (var name in LibraryAssemblies)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"'{name}' is not in the test output; the test project must reference the runtime.", path);
            paths.Add(path);
        }
        return paths
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
