using System.Text.RegularExpressions;
using Attune.Generator.Diagnostics;
using Attune.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Tests;

/// <summary>The descriptor catalog, the release-tracking file and docs/diagnostics.md agree.</summary>
public sealed class CatalogTests
{
    private static string RepositoryFile(params string[] parts)
        => Path.Combine(new[] { Snapshot.ProjectDirectory(), "..", ".." }.Concat(parts).ToArray());

    [Fact]
    public void DescriptorsAreWellFormed()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.Matches("^AT[0-9]{4}$", descriptor.Id);
            Assert.Equal("Attune", descriptor.Category);
            Assert.Equal("https://github.com/attune-dotnet/attune/blob/main/docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Same(descriptor, DiagnosticDescriptors.Find(descriptor.Id));
        }
    }

    [Fact]
    public void EveryDescriptorIsTrackedAndDocumented()
    {
        var unshipped = File.ReadAllText(RepositoryFile("src", "Generator", "AnalyzerReleases.Unshipped.md"));
        var docs = File.ReadAllText(RepositoryFile("docs", "diagnostics.md"));
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            var severity = descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "Error" : "Warning";
            Assert.Matches(new Regex($@"^{descriptor.Id} \| Attune \| {severity} \|", RegexOptions.Multiline), unshipped);
            Assert.Contains($"## {descriptor.Id}", docs, StringComparison.Ordinal);
            Assert.Contains($"**{descriptor.Title}**", docs, StringComparison.Ordinal);
        }
    }
}
