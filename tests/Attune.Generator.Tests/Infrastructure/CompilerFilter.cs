using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// Applies the compiler's own suppression rules (<c>#pragma warning disable</c>, severity options) to generator
/// diagnostics. A generator driver returns its diagnostics unfiltered; the command-line compiler filters them like
/// analyzer diagnostics. This replays them through a pass-through analyzer in <see cref="CompilationWithAnalyzers"/>,
/// which does that filtering with public API only.
/// </summary>
public static class CompilerFilter
{
    public static async Task<ImmutableArray<Diagnostic>> ApplyAsync(Compilation compilation, ImmutableArray<Diagnostic> diagnostics)
    {
        var analyzer = new ReplayAnalyzer(diagnostics);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    }

#pragma warning disable RS1001, RS1036 // A test-only analyzer, never shipped.
    private sealed class ReplayAnalyzer(ImmutableArray<Diagnostic> diagnostics) : DiagnosticAnalyzer
#pragma warning restore RS1001, RS1036
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            diagnostics.Select(d => d.Descriptor).Distinct().ToImmutableArray();

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationAction(c =>
            {
                foreach (var diagnostic in diagnostics)
                    c.ReportDiagnostic(diagnostic);
            });
        }
    }
}
