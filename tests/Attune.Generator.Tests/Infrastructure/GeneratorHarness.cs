using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>One generator run: the driver (for re-runs), its result and the compilation with the generated code.</summary>
public sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Input, Compilation Output)
{
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    public GeneratorRunResult Single => Result.Results.Single();

    public ImmutableArray<GeneratedSourceResult> Sources => Single.GeneratedSources;

    /// <summary>Warnings and errors of the compilation that includes the generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems => Output.GetDiagnostics()
        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
        .ToList();
}

public static class GeneratorHarness
{
    /// <summary>What every test source starts with.</summary>
    public const string Usings = """
        using Attune;
        using Attune.FineTuning;
        using Attune.Search;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation(References.All, sources);

    /// <summary>A compilation against <paramref name="references"/> (e.g. <see cref="References.SearchOnly"/>).</summary>
    public static CSharpCompilation CreateCompilation(ImmutableArray<MetadataReference> references, params string[] sources)
        => CSharpCompilation.Create(
            "Attune.Generator.Tests.User",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Test{i}.cs")),
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string>? globalOptions = null)
        => CSharpGeneratorDriver.Create(
            new[] { new AttuneGenerator().AsSourceGenerator() },
            additionalTexts: null,
            parseOptions: ParseOptions,
            optionsProvider: new TestOptionsProvider(globalOptions ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, IReadOnlyDictionary<string, string>? globalOptions = null)
        => Run(new[] { source }, globalOptions);

    public static GeneratorRun Run(string[] sources, IReadOnlyDictionary<string, string>? globalOptions = null)
        => Run(CreateDriver(globalOptions), CreateCompilation(sources));

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult();
        var exception = result.Results.Single().Exception;
        if (exception is not null)
            throw new InvalidOperationException("The generator threw (the user would see CS8785).", exception);
        return new GeneratorRun(driver, result, compilation, output);
    }

    private sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        private static readonly AnalyzerConfigOptions Empty = new TestOptions(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GlobalOptions { get; } = new TestOptions(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;
    }

    private sealed class TestOptions(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
