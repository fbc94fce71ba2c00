using System.Linq;

namespace Attune.Generator.Emit
{
    /// <summary>Writes the generated half of one <c>[FineTune]</c> model.</summary>
    internal static class FineTuneEmitter
    {
        public static string Emit(FineTuneModel model)
        {
            var writer = new SourceWriter();
            writer.WriteLine(GeneratorInfo.Header);
            writer.WriteLine();

            var blocks = TypeScaffold.Open(writer, model.Hierarchy, " : global::Attune.FineTuning.IFineTunable");
            WriteDefaults(writer, model);
            writer.WriteLine();
            WriteInterface(writer, model);
            writer.WriteLine();
            WriteRunMethods(writer, model.HidesInheritedMembers ? "new " : "", model.InputType);
            TypeScaffold.Close(writer, blocks);
            return writer.ToString();
        }

        private static void WriteDefaults(SourceWriter writer, FineTuneModel model)
        {
            writer.WriteLine($"""
                /// <summary>The options declared by [FineTune] on <c>{Xml(model.DocName)}</c> (the runtime's defaults for the rest); override with <c>with {"{"} ... {"}"}</c>.</summary>
                {GeneratorInfo.GeneratedCodeAttribute}
                """);
            OptionsInitializer.Write(writer, $"public static {(model.HidesInheritedMembers ? "new " : "")}global::Attune.FineTuning.FineTuneOptions FineTuneDefaults {{ get; }}", "global::Attune.FineTuning.FineTuneOptions", model.Options);
        }

        private static void WriteInterface(SourceWriter writer, FineTuneModel model)
        {
            writer.WriteLine($"""
                {GeneratorInfo.GeneratedCodeAttribute}
                global::Attune.FineTuning.FineTuneOptions global::Attune.FineTuning.IFineTunable.DefaultFineTuneOptions => FineTuneDefaults;

                {GeneratorInfo.GeneratedCodeAttribute}
                global::Attune.FineTuning.FineTunePlan global::Attune.FineTuning.IFineTunable.CreateFineTunePlan() => ((global::Attune.FineTuning.IFineTunable)this).CreateFineTunePlan(FineTuneDefaults);

                {GeneratorInfo.GeneratedCodeAttribute}
                global::Attune.FineTuning.FineTunePlan global::Attune.FineTuning.IFineTunable.CreateFineTunePlan(global::Attune.FineTuning.FineTuneOptions options) => new global::Attune.FineTuning.FineTunePlan(
                """);
            writer.Indentation++;
            writer.WriteLine(Literal(model.ModelName) + ",");
            if (model.Fields.Count == 0)
            {
                writer.WriteLine("global::System.Array.Empty<global::Attune.FineTuning.FieldRule>(),");
            }
            else
            {
                writer.WriteLine("new global::Attune.FineTuning.FieldRule[]");
                writer.WriteLine("{");
                writer.Indentation++;
                foreach (var field in model.Fields)
                {
                    var arguments = "";
                    if (field.Frozen)
                        arguments += ", frozen: true";
                    if (field.LearningRate is not null)
                        arguments += ", learningRate: " + field.LearningRate;
                    if (field.WeightDecay is not null)
                        arguments += ", weightDecay: " + field.WeightDecay;
                    if (field.UnfreezeAtEpoch != 0)
                        arguments += ", unfreezeAtEpoch: " + Common.Literals.Integer(field.UnfreezeAtEpoch);
                    if (field.LearningRateScale is not null)
                        arguments += ", learningRateScale: " + field.LearningRateScale;
                    if (field.LayerDecay is not null)
                        arguments += ", layerDecay: " + field.LayerDecay;
                    if (field.LayerByLayer)
                        arguments += ", layerByLayer: true";
                    var lora = (field.LayerDecay is null ? "" : ".WithOptions(options)")
                        + (field.Lora is null ? "" : ".WithLora(" + field.Lora + ", options)");
                    writer.WriteLine($"global::Attune.FineTuning.FieldRule.For({Literal(field.FieldName)}, this.{field.Identifier}{arguments}){lora},");
                }
                writer.Indentation--;
                writer.WriteLine("},");
            }
            writer.WriteLine("customLoss: " + (model.CustomLoss is { } loss ? $"(output, labels) => {loss.Expression}(output, labels)," : "null,"));
            writer.WriteLine("customMetric: " + (model.CustomMetric is { } metric ? $"(outputs, labels) => {metric.Expression}(outputs, labels));" : "null);"));
            writer.Indentation--;
        }

        /// <param name="inputType">The model's batch-record input type, or null for a Tensor input: only a Tensor model
        /// gets the overload over in-memory feature and label tensors.</param>
        private static void WriteRunMethods(SourceWriter writer, string modifier, string? inputType)
        {
            var source = inputType is null ? "global::Attune.FineTuning.IBatchSource" : $"global::Attune.FineTuning.IBatchSource<{inputType}>";
            var run = inputType is null ? "global::Attune.FineTuning.FineTuner.Run" : $"global::Attune.FineTuning.FineTuner.Run<{inputType}>";
            const string OptionalParameters = "global::Attune.FineTuning.FineTuneOptions? options = null, global::System.IProgress<global::Attune.FineTuning.FineTuneProgress>? progress = null, global::Microsoft.Extensions.Logging.ILogger? logger = null, global::System.Threading.CancellationToken cancellationToken = default";
            const string CommonDocs = """
                /// <param name="options">The options to use; <see cref="FineTuneDefaults"/> when null.</param>
                /// <param name="progress">Receives progress after each step and evaluation.</param>
                /// <param name="logger">Receives the run's log.</param>
                /// <param name="cancellationToken">Stops the run after the current step; the report says it was cancelled.</param>
                /// <returns>What happened: per-epoch results, the best metric and epoch, why the run stopped.</returns>
                """;
            writer.WriteLine($$"""
                /// <summary>Fine-tunes this model in place with the runtime's loop; the model ends holding the best epoch's weights.</summary>
                /// <param name="train">The training examples.</param>
                /// <param name="validation">The validation examples that pick the best epoch.</param>
                {{CommonDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{modifier}}global::Attune.FineTuning.FineTuneReport RunFineTune({{source}} train, {{source}} validation, {{OptionalParameters}})
                    => {{run}}(this, ((global::Attune.FineTuning.IFineTunable)this).CreateFineTunePlan(options ?? FineTuneDefaults), train, validation, options ?? FineTuneDefaults, progress, logger, cancellationToken);
                """);
            if (inputType is null)
            {
                writer.WriteLine();
                writer.WriteLine($$"""
                /// <summary>Fine-tunes this model in place on in-memory tensors (examples along the first dimension).</summary>
                /// <param name="trainFeatures">The training inputs.</param>
                /// <param name="trainLabels">The training labels.</param>
                /// <param name="validationFeatures">The validation inputs.</param>
                /// <param name="validationLabels">The validation labels.</param>
                {{CommonDocs}}
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{modifier}}global::Attune.FineTuning.FineTuneReport RunFineTune(global::TorchSharp.torch.Tensor trainFeatures, global::TorchSharp.torch.Tensor trainLabels, global::TorchSharp.torch.Tensor validationFeatures, global::TorchSharp.torch.Tensor validationLabels, {{OptionalParameters}})
                    => RunFineTune(new global::Attune.FineTuning.LabeledTensors(trainFeatures, trainLabels), new global::Attune.FineTuning.LabeledTensors(validationFeatures, validationLabels), options, progress, logger, cancellationToken);
                """);
            }
            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>Fine-tunes this model in place as one trial of a sweep: the options are <see cref="FineTuneDefaults"/> with the matching properties of <paramref name="space"/> applied, each epoch's metric is reported to <paramref name="trial"/>, and the run stops early when the trial is pruned or the sweep cancelled.</summary>
                /// <typeparam name="TSpace">A [TuneSpace] type whose properties match fine-tune options by name.</typeparam>
                /// <param name="train">The training examples.</param>
                /// <param name="validation">The validation examples that pick the best epoch.</param>
                /// <param name="space">The trial's parameters (usually <c>trial.Parameters</c>).</param>
                /// <param name="trial">The running trial: receives each epoch's metric and may prune the run.</param>
                /// <param name="progress">Receives progress after each step and evaluation.</param>
                /// <param name="logger">Receives the run's log.</param>
                /// <returns>What happened: per-epoch results, the best metric and epoch, why the run stopped.</returns>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{modifier}}global::Attune.FineTuning.FineTuneReport RunFineTune<TSpace>({{source}} train, {{source}} validation, TSpace space, global::Attune.Search.Trial<TSpace> trial, global::System.IProgress<global::Attune.FineTuning.FineTuneProgress>? progress = null, global::Microsoft.Extensions.Logging.ILogger? logger = null)
                    where TSpace : global::Attune.Search.ITuneSpace<TSpace>, global::Attune.FineTuning.IFineTuneBinding
                    => {{run}}(this, ((global::Attune.FineTuning.IFineTunable)this).CreateFineTunePlan(space.ApplyTo(FineTuneDefaults)), train, validation, space.ApplyTo(FineTuneDefaults), progress, logger, trial.CancellationToken, trial);
                """);
            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>Fine-tunes this model in place as one trial of a sweep, with the trial's own parameters: <see cref="FineTuneDefaults"/> with the matching properties of <c>trial.Parameters</c> applied; each epoch's metric is reported to <paramref name="trial"/>, and the run stops early when the trial is pruned or the sweep cancelled.</summary>
                /// <typeparam name="TSpace">A [TuneSpace] type whose properties match fine-tune options by name.</typeparam>
                /// <param name="train">The training examples.</param>
                /// <param name="validation">The validation examples that pick the best epoch.</param>
                /// <param name="trial">The running trial: its parameters set the options; it receives each epoch's metric and may prune the run.</param>
                /// <param name="progress">Receives progress after each step and evaluation.</param>
                /// <param name="logger">Receives the run's log.</param>
                /// <returns>What happened: per-epoch results, the best metric and epoch, why the run stopped.</returns>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{modifier}}global::Attune.FineTuning.FineTuneReport RunFineTune<TSpace>({{source}} train, {{source}} validation, global::Attune.Search.Trial<TSpace> trial, global::System.IProgress<global::Attune.FineTuning.FineTuneProgress>? progress = null, global::Microsoft.Extensions.Logging.ILogger? logger = null)
                    where TSpace : global::Attune.Search.ITuneSpace<TSpace>, global::Attune.FineTuning.IFineTuneBinding
                    => RunFineTune(train, validation, trial.Parameters, trial, progress, logger);
                """);
            if (inputType is null)
            {
                writer.WriteLine();
                writer.WriteLine($$"""
                /// <summary>Fine-tunes this model in place on in-memory tensors as one trial of a sweep, with the trial's own parameters (see the overload over batch sources).</summary>
                /// <typeparam name="TSpace">A [TuneSpace] type whose properties match fine-tune options by name.</typeparam>
                /// <param name="trainFeatures">The training inputs.</param>
                /// <param name="trainLabels">The training labels.</param>
                /// <param name="validationFeatures">The validation inputs.</param>
                /// <param name="validationLabels">The validation labels.</param>
                /// <param name="trial">The running trial: its parameters set the options; it receives each epoch's metric and may prune the run.</param>
                /// <param name="progress">Receives progress after each step and evaluation.</param>
                /// <param name="logger">Receives the run's log.</param>
                /// <returns>What happened: per-epoch results, the best metric and epoch, why the run stopped.</returns>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                public {{modifier}}global::Attune.FineTuning.FineTuneReport RunFineTune<TSpace>(global::TorchSharp.torch.Tensor trainFeatures, global::TorchSharp.torch.Tensor trainLabels, global::TorchSharp.torch.Tensor validationFeatures, global::TorchSharp.torch.Tensor validationLabels, global::Attune.Search.Trial<TSpace> trial, global::System.IProgress<global::Attune.FineTuning.FineTuneProgress>? progress = null, global::Microsoft.Extensions.Logging.ILogger? logger = null)
                    where TSpace : global::Attune.Search.ITuneSpace<TSpace>, global::Attune.FineTuning.IFineTuneBinding
                    => RunFineTune(new global::Attune.FineTuning.LabeledTensors(trainFeatures, trainLabels), new global::Attune.FineTuning.LabeledTensors(validationFeatures, validationLabels), trial.Parameters, trial, progress, logger);
                """);
            }
        }

        private static string Literal(string value) => Common.Literals.String(value);

        private static string Xml(string text) => Common.Literals.XmlText(text);
    }
}
