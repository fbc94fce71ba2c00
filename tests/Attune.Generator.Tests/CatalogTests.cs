using System.Reflection;
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

    /// <summary>Every descriptor the catalog class declares, found by reflection: a descriptor added to the class is
    /// checked without being listed anywhere else.</summary>
    private static readonly DiagnosticDescriptor[] All = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void ReflectionFindsTheWholeCatalog()
    {
        // A floor, so that a renamed class or a changed field shape cannot make every other check here pass vacuously.
        Assert.True(All.Length >= 40, $"Only {All.Length} descriptors found in DiagnosticDescriptors.");
        Assert.Contains(All, d => d.Id == "AT0001");
        Assert.Contains(All, d => d.Id == "AT0099");
        Assert.Contains(All, d => d.Id == "AT0120");
    }

    [Fact]
    public void DescriptorsAreWellFormed()
    {
        var ids = All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var descriptor in All)
        {
            Assert.Matches("^AT[0-9]{4}$", descriptor.Id);
            Assert.Equal("Attune", descriptor.Category);
            Assert.Equal("https://github.com/attune-dotnet/attune/blob/main/docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.True(descriptor.IsEnabledByDefault);
            var message = descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Matches("^[A-Z'\\[{]", message); // a whole sentence: starts like one
            Assert.EndsWith(".", message, StringComparison.Ordinal); // and ends like one
        }
    }

    [Fact]
    public void EveryDescriptorIsTrackedAndDocumented()
    {
        var unshipped = File.ReadAllText(RepositoryFile("src", "Generator", "AnalyzerReleases.Unshipped.md"));
        var docs = File.ReadAllText(RepositoryFile("docs", "diagnostics.md"));
        foreach (var descriptor in All)
        {
            var severity = descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "Error" : "Warning";
            Assert.Matches(new Regex($@"^{descriptor.Id} \| Attune \| {severity} \|", RegexOptions.Multiline), unshipped);
            Assert.Contains($"## {descriptor.Id}", docs, StringComparison.Ordinal);
            Assert.Contains($"**{descriptor.Title}**", docs, StringComparison.Ordinal);
        }
    }
}
