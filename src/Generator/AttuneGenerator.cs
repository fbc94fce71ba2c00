using Attune.Generator.Emit;
using Attune.Generator.FineTune;
using Attune.Generator.Objectives;
using Attune.Generator.TuneSpace;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator
{
    /// <summary>
    /// The Attune generator: fine-tuning glue for every <c>[Attune.FineTune]</c> class (<c>FineTuneDefaults</c>, the
    /// <c>IFineTunable</c> plan, <c>RunFineTune</c>, one module initializer per compilation) and search-space glue for
    /// every <c>[Attune.TuneSpace]</c> type (<c>Space</c>, <c>Decode</c>/<c>Encode</c>, <c>RunSweep</c>).
    /// </summary>
    /// <remarks>
    /// This class only wires the pipeline; parsing lives in <c>FineTune/</c> and <c>TuneSpace/</c>, writing in <c>Emit/</c>.
    /// Each half is attribute → equatable parse result (no symbols or syntax) → source, with the diagnostics on their own
    /// output that is re-attached to the compilation's syntax trees, so <c>#pragma warning disable</c> applies to them.
    /// </remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class AttuneGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Resolved once per compilation and shared by every parse; not tracked, since it holds symbols and is new
            // whenever the compilation is (the parse results after it are what must compare equal).
            var knownTypes = context.CompilationProvider.Select(static (compilation, _) => new KnownTypes(compilation));

            var fineTunes = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypes.FineTuneAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (attributeContext, _) => attributeContext)
                .Combine(knownTypes)
                .Select(static (pair, cancellationToken) => FineTuneParser.Parse(pair.Left, pair.Right, cancellationToken))
                .WithTrackingName(TrackingNames.FineTuneResults);
            var fineTuneModels = fineTunes
                .Select(static (result, _) => result.Model)
                .WithTrackingName(TrackingNames.FineTuneModels);
            context.RegisterSourceOutput(fineTuneModels, static (spc, model) => SourceOutputs.Add(spc, model?.HintName, model?.ModelName, model, FineTuneEmitter.Emit));
            SourceOutputs.Report(context, fineTunes.SelectMany(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.FineTuneDiagnostics));

            var spaces = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypes.TuneSpaceAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (attributeContext, _) => attributeContext)
                .Combine(knownTypes)
                .Select(static (pair, cancellationToken) => TuneSpaceParser.Parse(pair.Left, pair.Right, cancellationToken))
                .WithTrackingName(TrackingNames.TuneSpaceResults);
            var spaceModels = spaces
                .Select(static (result, _) => result.Model)
                .WithTrackingName(TrackingNames.TuneSpaceModels);
            context.RegisterSourceOutput(spaceModels, static (spc, model) => SourceOutputs.Add(spc, model?.HintName, model?.SpaceName, model, TuneSpaceEmitter.Emit));
            SourceOutputs.Report(context, spaces.SelectMany(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.TuneSpaceDiagnostics));

            // AT0014: a field attribute in a class without [FineTune]; one small pipeline per attribute.
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.FreezeAttributeName, "Freeze", TrackingNames.FreezeUsage));
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.LearningRateAttributeName, "LearningRate", TrackingNames.LearningRateUsage));
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.WeightDecayAttributeName, "WeightDecay", TrackingNames.WeightDecayUsage));
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.LearningRateScaleAttributeName, "LearningRateScale", TrackingNames.LearningRateScaleUsage));
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.LoraAttributeName, "Lora", TrackingNames.LoraUsage));
            SourceOutputs.Report(context, FieldAttributeUsage(context, KnownTypes.LayerwiseDecayAttributeName, "LayerwiseDecay", TrackingNames.LayerwiseDecayUsage));

            var anyFineTune = fineTunes
                .Collect()
                .Select(static (all, _) => !all.IsEmpty)
                .WithTrackingName(TrackingNames.AnyFineTune);
            var canInitialize = context.CompilationProvider
                .Select(static (compilation, _) => NativeInitEmitter.CanInitialize(compilation))
                .WithTrackingName(TrackingNames.CanInitialize);
            var nativeFixEnabled = context.AnalyzerConfigOptionsProvider
                .Select(static (provider, _) => NativeInitEmitter.IsEnabled(provider.GlobalOptions))
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

            // AT0121: a sweep whose direction contradicts the metric of the fine-tune its objective returns.
            var sweepObjectives = context.SyntaxProvider
                .CreateSyntaxProvider(SweepObjectiveCheck.IsCandidate, static (c, ct) => SweepObjectiveCheck.Check(c, ct))
                .Where(static diagnostic => diagnostic is not null)
                .Select(static (diagnostic, _) => diagnostic!)
                .WithTrackingName(TrackingNames.SweepObjectiveDiagnostics);
            SourceOutputs.Report(context, sweepObjectives);

            // AT0128: several objectives with a pruner.
            var scoredSweeps = context.SyntaxProvider
                .CreateSyntaxProvider(SweepObjectiveCheck.IsCandidate, static (c, ct) => ScoredSweepCheck.Check(c, ct))
                .Where(static diagnostic => diagnostic is not null)
                .Select(static (diagnostic, _) => diagnostic!)
                .WithTrackingName(TrackingNames.ScoredSweepDiagnostics);
            SourceOutputs.Report(context, scoredSweeps);

            // [ObjectiveScore] types: IObjectiveScore<T>, so RunSweep takes an objective returning several objectives.
            var scores = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypes.ObjectiveScoreAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (attributeContext, cancellationToken) => ObjectiveScoreParser.Parse(attributeContext, cancellationToken))
                .WithTrackingName(TrackingNames.ObjectiveScoreResults);
            var scoreModels = scores
                .Select(static (result, _) => result.Model)
                .WithTrackingName(TrackingNames.ObjectiveScoreModels);
            context.RegisterSourceOutput(scoreModels, static (spc, model) => SourceOutputs.Add(spc, model?.HintName, model?.DocName, model, ObjectiveScoreEmitter.Emit));
            SourceOutputs.Report(context, scores.SelectMany(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.ObjectiveScoreDiagnostics));

            // Storages of referenced packages (PostgreSQL) register themselves when the assembly loads.
            var emitStorageInit = context.CompilationProvider
                .Select(static (compilation, _) => StorageInitEmitter.CanInitialize(compilation))
                .WithTrackingName(TrackingNames.EmitStorageInit);
            context.RegisterSourceOutput(emitStorageInit, static (spc, emit) =>
            {
                if (emit)
                    spc.AddSource(StorageInitEmitter.HintName, StorageInitEmitter.Emit());
            });
        }

        private static IncrementalValuesProvider<DiagnosticInfo> FieldAttributeUsage(IncrementalGeneratorInitializationContext context, string metadataName, string shortName, string trackingName)
            => context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    metadataName,
                    FieldAttributeUsageParser.IsCandidate,
                    (attributeContext, cancellationToken) => FieldAttributeUsageParser.Parse(attributeContext, shortName, cancellationToken))
                .Where(static diagnostic => diagnostic is not null)
                .Select(static (diagnostic, _) => diagnostic!)
                .WithTrackingName(trackingName);
    }
}
