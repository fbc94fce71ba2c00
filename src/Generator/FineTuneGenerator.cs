using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Attune.Generator.Diagnostics;
using Attune.Generator.Emit;
using Attune.Generator.Model;
using Attune.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator
{
    /// <summary>
    /// Generates the fine-tuning glue for every <c>[Attune.FineTune]</c> class: <c>FineTuneDefaults</c>, the
    /// <c>IFineTunable</c> plan and <c>RunFineTune</c>, plus one module initializer per compilation; and the search-space
    /// glue for every <c>[Attune.TuneSpace]</c> record or class: <c>Space</c>, <c>Decode</c>/<c>Encode</c>, <c>RunSweep</c>.
    /// </summary>
    /// <remarks>
    /// Pipeline: attribute → equatable <see cref="FineTuneParseResult"/> (no symbols or syntax) → source. Diagnostics
    /// travel on their own pipeline and are re-attached to the compilation's syntax trees when reported, so that
    /// <c>#pragma warning disable</c> and .editorconfig severities apply to them.
    /// </remarks>
    [Generator(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
    public sealed class FineTuneGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypes.FineTuneAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    FineTuneParser.Parse)
                .WithTrackingName(TrackingNames.FineTuneResults);

            var models = results
                .Select(static (result, _) => result.Model)
                .WithTrackingName(TrackingNames.FineTuneModels);

            context.RegisterSourceOutput(models, static (spc, model) =>
            {
                if (model is null)
                    return;
                try
                {
                    spc.AddSource(model.HintName, FineTuneEmitter.Emit(model));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.ModelName, exception.GetType().Name + ": " + exception.Message));
                }
            });

            var diagnostics = results
                .SelectMany(static (result, _) => result.Diagnostics)
                .WithTrackingName(TrackingNames.FineTuneDiagnostics);
            ReportDiagnostics(context, diagnostics);

            InitializeTuneSpaces(context);

            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.FreezeAttributeName, "Freeze", TrackingNames.FreezeUsage));
            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.LearningRateAttributeName, "LearningRate", TrackingNames.LearningRateUsage));
            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.WeightDecayAttributeName, "WeightDecay", TrackingNames.WeightDecayUsage));
            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.LearningRateScaleAttributeName, "LearningRateScale", TrackingNames.LearningRateScaleUsage));
            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.LoraAttributeName, "Lora", TrackingNames.LoraUsage));
            ReportDiagnostics(context, FieldAttributeUsage(context, KnownTypes.LayerwiseDecayAttributeName, "LayerwiseDecay", TrackingNames.LayerwiseDecayUsage));

            var anyFineTune = results
                .Collect()
                .Select(static (all, _) => !all.IsEmpty)
                .WithTrackingName(TrackingNames.AnyFineTune);
            var canInitialize = context.CompilationProvider
                .Select(static (compilation, _) =>
                    compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null
                    && compilation.GetTypeByMetadataName("Attune.TorchSharpNative") is not null)
                .WithTrackingName(TrackingNames.CanInitialize);
            var nativeFixEnabled = context.AnalyzerConfigOptionsProvider
                .Select(static (provider, _) =>
                    !(provider.GlobalOptions.TryGetValue(NativeInitEmitter.OptOutProperty, out var value)
                      && string.Equals(value?.Trim(), "false", StringComparison.OrdinalIgnoreCase)))
                .WithTrackingName(TrackingNames.NativeFixEnabled);
            var emitNativeInit = anyFineTune
                .Combine(canInitialize)
                .Combine(nativeFixEnabled)
                .Select(static (pair, _) => pair.Left.Left && pair.Left.Right && pair.Right)
                .WithTrackingName(TrackingNames.EmitNativeInit);
            context.RegisterSourceOutput(emitNativeInit, static (spc, emit) =>
            {
                if (emit)
                    spc.AddSource(NativeInitEmitter.HintName, NativeInitEmitter.Emit());
            });
        }

        /// <summary>
        /// The <c>[TuneSpace]</c> pipeline, shaped like the <c>[FineTune]</c> one: attribute → equatable
        /// <see cref="TuneSpaceParseResult"/> → source, with the diagnostics on their own pipeline.
        /// </summary>
        private static void InitializeTuneSpaces(IncrementalGeneratorInitializationContext context)
        {
            var results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    TuneSpaceParser.TuneSpaceAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    TuneSpaceParser.Parse)
                .WithTrackingName(TrackingNames.TuneSpaceResults);

            var models = results
                .Select(static (result, _) => result.Model)
                .WithTrackingName(TrackingNames.TuneSpaceModels);

            context.RegisterSourceOutput(models, static (spc, model) =>
            {
                if (model is null)
                    return;
                try
                {
                    spc.AddSource(model.HintName, TuneSpaceEmitter.Emit(model));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.SpaceName, exception.GetType().Name + ": " + exception.Message));
                }
            });

            var diagnostics = results
                .SelectMany(static (result, _) => result.Diagnostics)
                .WithTrackingName(TrackingNames.TuneSpaceDiagnostics);
            ReportDiagnostics(context, diagnostics);
        }

        private static IncrementalValuesProvider<DiagnosticInfo> FieldAttributeUsage(IncrementalGeneratorInitializationContext context, string metadataName, string shortName, string trackingName)
            => context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    metadataName,
                    FieldAttributeUsageParser.IsCandidate,
                    (ctx, ct) => FieldAttributeUsageParser.Parse(ctx, shortName, ct))
                .Where(static diagnostic => diagnostic is not null)
                .Select(static (diagnostic, _) => diagnostic!)
                .WithTrackingName(trackingName);

        /// <summary>
        /// Reports diagnostics against the compilation's own syntax trees. Only this last step sees the compilation,
        /// so the parse steps stay cached; a location in a tree makes <c>#pragma warning disable</c> work.
        /// </summary>
        private static void ReportDiagnostics(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<DiagnosticInfo> diagnostics)
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

    /// <summary>The names of the pipeline's tracked steps (tests check that each is cached).</summary>
    public static class TrackingNames
    {
        public const string FineTuneResults = "Attune.FineTuneResults";
        public const string FineTuneModels = "Attune.FineTuneModels";
        public const string FineTuneDiagnostics = "Attune.FineTuneDiagnostics";
        public const string FreezeUsage = "Attune.FreezeUsage";
        public const string LearningRateUsage = "Attune.LearningRateUsage";
        public const string WeightDecayUsage = "Attune.WeightDecayUsage";
        public const string AnyFineTune = "Attune.AnyFineTune";
        public const string CanInitialize = "Attune.CanInitialize";
        public const string NativeFixEnabled = "Attune.NativeFixEnabled";
        public const string EmitNativeInit = "Attune.EmitNativeInit";
        public const string TuneSpaceResults = "Attune.TuneSpaceResults";
        public const string TuneSpaceModels = "Attune.TuneSpaceModels";
        public const string TuneSpaceDiagnostics = "Attune.TuneSpaceDiagnostics";
        public const string LearningRateScaleUsage = "Attune.LearningRateScaleUsage";
        public const string LayerwiseDecayUsage = "Attune.LayerwiseDecayUsage";
        public const string LoraUsage = "Attune.LoraUsage";
    }
}
