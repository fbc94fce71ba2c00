using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// The metadata references of a test compilation, loaded once per set: the .NET 10 framework assemblies (from the
/// trusted platform assemblies) plus the Attune packages a user project would reference, from the test output.
/// </summary>
public static class References
{
    /// <summary>What a project of the search package alone references: no TorchSharp, no fine-tuning.</summary>
    private static readonly string[] SearchAssemblies =
    {
        "Attune.Search.dll",
        "Attune.Attributes.dll",
        "Microsoft.Extensions.Logging.Abstractions.dll",
    };

    private static readonly string[] FineTuningAssemblies = [.. SearchAssemblies, "TorchSharp.dll", "Attune.FineTuning.dll"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(() => Load(FineTuningAssemblies));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazySearch = new(() => Load(SearchAssemblies));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazySearchTorch = new(() => Load([.. SearchAssemblies, "TorchSharp.dll"]));
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyPostgres = new(() => Load([.. SearchAssemblies, "Attune.Search.PostgreSql.dll", "Npgsql.dll"]));

    /// <summary>Attune.FineTuning (with TorchSharp) and Attune.Search: what most tests compile against.</summary>
    public static ImmutableArray<MetadataReference> All => Lazy.Value;

    /// <summary>Attune.Search alone: a sweep-only project.</summary>
    public static ImmutableArray<MetadataReference> SearchOnly => LazySearch.Value;

    /// <summary>Attune.Search and TorchSharp without Attune.FineTuning: a model project that forgot the fine-tuning package.</summary>
    public static ImmutableArray<MetadataReference> SearchAndTorchSharp => LazySearchTorch.Value;

    /// <summary>Attune.Search with Attune.Search.PostgreSql.</summary>
    public static ImmutableArray<MetadataReference> SearchWithPostgres => LazyPostgres.Value;

    private static ImmutableArray<MetadataReference> Load(string[] libraryAssemblies)
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var paths = trusted
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .ToList();
        foreach (var name in libraryAssemblies)
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
