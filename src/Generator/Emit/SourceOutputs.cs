using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Emit
{
    /// <summary>The pipeline's two kinds of output: a generated file per model, and diagnostics re-attached to the
    /// compilation's own syntax trees.</summary>
    internal static class SourceOutputs
    {
        /// <summary>Adds <paramref name="emit"/>(<paramref name="model"/>) as <paramref name="hintName"/>; nothing for a
        /// null model (its type cannot take generated code). An emitter exception becomes AT0099, never CS8785, which
        /// would take every other generated file with it.</summary>
        public static void Add<TModel>(SourceProductionContext context, string? hintName, string? name, TModel? model, Func<TModel, string> emit)
            where TModel : class
        {
            if (model is null || hintName is null)
                return;
            try
            {
                context.AddSource(hintName, emit(model));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, name ?? hintName, exception.GetType().Name + ": " + exception.Message));
            }
        }

        /// <summary>
        /// Reports diagnostics against the compilation's own syntax trees. Only this last step sees the compilation,
        /// so the parse steps stay cached; a location in a tree makes <c>#pragma warning disable</c> work.
        /// </summary>
        public static void Report(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<DiagnosticInfo> diagnostics)
        {
            var collected = diagnostics.Collect().Combine(context.CompilationProvider);
            context.RegisterSourceOutput(collected, static (spc, pair) =>
            {
                var (all, compilation) = pair;
                if (all.IsDefaultOrEmpty)
                    return;
                var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
                foreach (var tree in compilation.SyntaxTrees)
                {
                    if (!trees.ContainsKey(tree.FilePath))
                        trees.Add(tree.FilePath, tree);
                }
                foreach (var info in all)
                {
                    SyntaxTree? tree = null;
                    if (info.Location is { } location)
                        trees.TryGetValue(location.FilePath, out tree);
                    spc.ReportDiagnostic(info.ToDiagnostic(tree));
                }
            });
        }
    }
}
