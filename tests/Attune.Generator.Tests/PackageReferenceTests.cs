using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// The generator emits only what the referenced Attune packages support: a project of Attune.Search alone gets a typed
/// space with no fine-tune binding and no TorchSharp native fix, and compiles without TorchSharp; a project that
/// references Attune.Search.PostgreSql gets the initializer that registers PostgreSQL storage, and one that does not,
/// none.
/// </summary>
public sealed class PackageReferenceTests
{
    /// <summary>A space whose properties are named like fine-tune options: with Attune.FineTuning they would bind.</summary>
    private const string SweepOnlySource = """
        using Attune;
        using Attune.Search;

        namespace Samples.SearchOnly;

        [TuneSpace(Trials = 20, Direction = Direction.Minimize)]
        public partial record PipelineSweep
        {
            [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; } = 1e-2;
            [Choice(16, 32, 64)] public int BatchSize { get; init; } = 32;
            [IntRange(1, 8)] public int Depth { get; init; } = 2;
        }
        """;

    private static GeneratorRun RunAgainst(Microsoft.CodeAnalysis.MetadataReference[] references, string source)
        => GeneratorHarness.Run(CreateDriver(), CreateCompilation([.. references], source));

    [Fact]
    public void A_search_only_project_gets_its_space_without_binding_or_native_fix_and_compiles_without_TorchSharp()
    {
        var run = RunAgainst([.. References.SearchOnly], SweepOnlySource);

        Assert.DoesNotContain(run.Output.ReferencedAssemblyNames, a => a.Name is "TorchSharp" or "Attune.FineTuning");
        var space = Assert.Single(run.Sources);
        Assert.Equal("Samples.SearchOnly.PipelineSweep.TuneSpace.g.cs", space.HintName);
        string text = space.SourceText.ToString();
        Assert.Contains("partial record PipelineSweep : global::Attune.Search.ITuneSpace<PipelineSweep>\n", text.Replace("\r\n", "\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("IFineTuneBinding", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FineTuneOptions", text, StringComparison.Ordinal);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }

    [Fact]
    public void The_same_space_binds_to_fine_tune_options_when_the_fine_tuning_package_is_referenced()
    {
        var run = RunAgainst([.. References.All], SweepOnlySource);

        string text = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Contains("global::Attune.FineTuning.IFineTuneBinding", text, StringComparison.Ordinal);
        Assert.Contains("ApplyTo(global::Attune.FineTuning.FineTuneOptions options)", text, StringComparison.Ordinal);
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }

    [Fact]
    public void A_project_referencing_the_PostgreSQL_package_registers_it_when_the_assembly_loads()
    {
        var run = RunAgainst([.. References.SearchWithPostgres], SweepOnlySource);

        var init = Assert.Single(run.Sources, s => s.HintName == "Attune.StorageInit.g.cs");
        string text = init.SourceText.ToString();
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]", text, StringComparison.Ordinal);
        Assert.Contains("global::Attune.Search.PostgreSql.PostgresStudyStorage.Register();", text, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Sources, s => s.HintName == "Attune.NativeInit.g.cs");
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Snapshot.Verify(run);
    }

    [Fact]
    public void Without_the_PostgreSQL_package_no_storage_initializer_is_written()
    {
        Assert.DoesNotContain(RunAgainst([.. References.SearchOnly], SweepOnlySource).Sources, s => s.HintName == "Attune.StorageInit.g.cs");
        Assert.DoesNotContain(RunAgainst([.. References.All], SweepOnlySource).Sources, s => s.HintName == "Attune.StorageInit.g.cs");
    }

    [Fact]
    public void The_storage_initializer_is_written_even_in_a_project_without_attributes()
    {
        // A sweep may be started from a library that only holds the objective; its storage string still has to open.
        var run = RunAgainst([.. References.SearchWithPostgres], "public class Plain { }");
        Assert.Equal(["Attune.StorageInit.g.cs"], run.Sources.Select(s => s.HintName));
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }

    [Fact]
    public void AT0028_a_FineTune_model_without_the_fine_tuning_package_gets_one_error_that_names_the_package()
    {
        var (source, expected) = Markup.Parse("""
            using Attune;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            [FineTune(Epochs = 3)]
            public partial class {|AT0028:Forgotten|} : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Linear body;
                public Forgotten() : base(nameof(Forgotten)) { body = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor input) => body.forward(input);
            }
            """);
        var run = RunAgainst([.. References.SearchAndTorchSharp], source);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(expected.Single().Id, diagnostic.Id);
        Assert.Equal(expected.Single().Span, diagnostic.Location.SourceSpan);
        Assert.Equal(
            "'Forgotten' has [FineTune], but this project does not reference Attune.FineTuning, which holds the training loop that the generated RunFineTune calls; " +
            "the generator writes nothing for 'Forgotten'. Add the package Attune.FineTuning (and a libtorch backend such as libtorch-cpu-linux-x64), or remove [FineTune] if this project only sweeps.",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(run.Sources);
        // Nothing generated, so the user's own code compiles: the one error is the generator's.
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }
}
