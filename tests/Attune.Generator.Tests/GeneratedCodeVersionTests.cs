using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>Snapshots scrub the generator's version from <c>[GeneratedCode]</c>; this checks what they scrub is there.</summary>
public sealed class GeneratedCodeVersionTests
{
    [Fact]
    public void GeneratedCodeCarriesTheGeneratorAssemblyVersion()
    {
        var run = Run(CreateDriver(), CreateCompilation(Usings + """
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Sweep { [Uniform(0, 1)] public double A { get; init; } }
            """));
        var version = typeof(AttuneGenerator).Assembly.GetName().Version!.ToString();
        var source = run.Sources.Single().SourceText.ToString();
        Assert.Contains($"GeneratedCode(\"Attune.Generator\", \"{version}\")", source, StringComparison.Ordinal);
        Assert.Contains(Snapshot.GeneratedCodeVersion, source, StringComparison.Ordinal);
    }
}
