using Microsoft.CodeAnalysis;

namespace Attune.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic the Attune generator reports. IDs are stable; each is documented in docs/diagnostics.md and
    /// tracked in AnalyzerReleases.Unshipped.md. Every message is a whole sentence whose arguments are
    /// names, values and clauses, never grammar (a plural, an article) chosen in code. The catalog test finds the descriptors
    /// by reflection over this class, so there is no list to keep in step.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "Attune";

        private const string HelpBase = "https://github.com/attune-dotnet/attune/blob/main/docs/diagnostics.md#";

        public static readonly DiagnosticDescriptor NotPartial = new DiagnosticDescriptor(
            id: "AT0001",
            title: "[FineTune] type must be partial",
            messageFormat: "'{0}' has [FineTune] but '{1}' is not partial; the generator adds RunFineTune and the fine-tune plan to '{0}', which needs '{0}' and every type containing it to be partial. Add the 'partial' modifier to '{1}'.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0001");

        public static readonly DiagnosticDescriptor NotAModule = new DiagnosticDescriptor(
            id: "AT0002",
            title: "[FineTune] type must be a TorchSharp module",
            messageFormat: "'{0}' has [FineTune] but derives from '{1}'; expected a class deriving (directly or not) from TorchSharp.torch.nn.Module<TInput, Tensor>, whose forward returns one Tensor from a Tensor or a batch record. Derive '{0}' from nn.Module<Tensor, Tensor>, or from nn.Module<YourBatch, Tensor> (e.g. Attune.Transformers.TextBatch).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0002");

        public static readonly DiagnosticDescriptor InvalidOption = new DiagnosticDescriptor(
            id: "AT0003",
            title: "Invalid [FineTune] option value",
            messageFormat: "[FineTune] {0} is {1}, but it must be {2}. Set {0} to {2}, or remove it to use the default ({3}).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0003");

        public static readonly DiagnosticDescriptor WarmupConflict = new DiagnosticDescriptor(
            id: "AT0004",
            title: "WarmupSteps and WarmupRatio both set",
            messageFormat: "[FineTune] sets both WarmupSteps ({0}) and WarmupRatio ({1}); warmup is given either in steps or as a share of the run. Remove WarmupRatio or set WarmupSteps to 0.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0004");

        public static readonly DiagnosticDescriptor UnsupportedMember = new DiagnosticDescriptor(
            id: "AT0005",
            title: "Field attribute on an unsupported member",
            messageFormat: "[{0}] cannot apply to {1} '{2}': {3}. Put [{0}] on an instance field whose type is a TorchSharp module (nn.Module) or a Parameter.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0005");

        public static readonly DiagnosticDescriptor FrozenWithRule = new DiagnosticDescriptor(
            id: "AT0006",
            title: "Frozen field with its own learning rate or weight decay",
            messageFormat: "Field '{0}' is [Freeze] and also [{1}]; a frozen field is never trained, so its {2} would be ignored. Remove [{1}], or remove [Freeze] so that the field trains.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0006");

        public static readonly DiagnosticDescriptor NothingToTrain = new DiagnosticDescriptor(
            id: "AT0007",
            title: "Every field is frozen",
            messageFormat: "Every module and Parameter field of '{0}' is [Freeze] ({1}), so nothing would be trained. Remove [Freeze] from the fields that should learn (for example a new task head).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0007");

        public static readonly DiagnosticDescriptor InvalidFieldValue = new DiagnosticDescriptor(
            id: "AT0008",
            title: "Invalid field learning rate or weight decay",
            messageFormat: "[{0}({1})] on field '{2}' is invalid: expected {3}. Change the value to {3}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0008");

        public static readonly DiagnosticDescriptor CustomWithoutMethod = new DiagnosticDescriptor(
            id: "AT0009",
            title: "Custom loss or metric without its method",
            messageFormat: "{0} = {1}.Custom needs {2}, the name of the method that computes it, but {2} is not set. Set {2} = nameof(YourMethod), a method '{3}' of the model.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0009");

        public static readonly DiagnosticDescriptor CustomIgnored = new DiagnosticDescriptor(
            id: "AT0010",
            title: "Custom loss or metric method is ignored",
            messageFormat: "{0} = \"{1}\" is ignored because {2} is {3}, not {2}.Custom. Set {2} = {2}.Custom to use '{1}', or remove {0}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0010");

        public static readonly DiagnosticDescriptor InvalidCustomLoss = new DiagnosticDescriptor(
            id: "AT0011",
            title: "CustomLoss does not name a suitable method",
            messageFormat: "CustomLoss names '{0}', but {1}; expected a method of '{2}' with the signature 'Tensor {0}(Tensor output, Tensor labels)' (instance or static). Add or fix that method, or name another with nameof.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0011");

        public static readonly DiagnosticDescriptor InvalidCustomMetric = new DiagnosticDescriptor(
            id: "AT0012",
            title: "CustomMetric does not name a suitable method",
            messageFormat: "CustomMetric names '{0}', but {1}; expected a method of '{2}' with the signature 'double {0}(Tensor outputs, Tensor labels)' (instance or static). Add or fix that method, or name another with nameof.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0012");

        public static readonly DiagnosticDescriptor CustomMetricDirection = new DiagnosticDescriptor(
            id: "AT0013",
            title: "Custom metric needs a direction",
            messageFormat: "Metric = Metric.Custom with MetricDirection = Direction.Auto: the build cannot know whether larger or smaller values of '{0}' are better. Set MetricDirection = Direction.Maximize or Direction.Minimize.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0013");

        public static readonly DiagnosticDescriptor FieldAttributeWithoutFineTune = new DiagnosticDescriptor(
            id: "AT0014",
            title: "Field attribute has no effect without [FineTune]",
            messageFormat: "[{0}] on '{1}' has no effect because '{2}' has no [FineTune] attribute. Add [FineTune] to '{2}', or remove [{0}].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0014");

        // ----- [Lora] (AT0015-AT0019) -----

        public static readonly DiagnosticDescriptor LoraNotLinear = new DiagnosticDescriptor(
            id: "AT0015",
            title: "[Lora] field is not a Linear and has no Targets",
            messageFormat: "[Lora] on field '{0}' has no Targets, so it would adapt the field itself, but its type '{1}' cannot hold a Linear. Put [Lora] on a Linear field, or name the Linear layers inside '{0}' with Targets (for example Targets = new[] {{ \"*.fc1\" }}).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0015");

        public static readonly DiagnosticDescriptor InvalidLoraValue = new DiagnosticDescriptor(
            id: "AT0016",
            title: "Invalid [Lora] rank, alpha or dropout",
            messageFormat: "[Lora] {0} on field '{1}' is {2}, but it must be {3}. Set {0} to {3}, or remove it to use the default ({4}).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0016");

        public static readonly DiagnosticDescriptor LoraWithFreeze = new DiagnosticDescriptor(
            id: "AT0017",
            title: "Field is both [Freeze] and [Lora]",
            messageFormat: "Field '{0}' is both [Freeze] and [Lora]; a frozen field never trains, so its adapters would not either ([Lora] already freezes the field's base weights). Remove [Freeze], or remove [Lora].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0017");

        public static readonly DiagnosticDescriptor LoraTargetNoMatch = new DiagnosticDescriptor(
            id: "AT0018",
            title: "[Lora] target pattern matches no Linear",
            messageFormat: "LoRA target pattern '{0}' on field '{1}' {2}. Patterns are dotted names inside the field: * matches within one segment, ** any number of segments.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0018");

        public static readonly DiagnosticDescriptor LoraForwardCall = new DiagnosticDescriptor(
            id: "AT0019",
            title: "LoRA layer invoked with forward()",
            messageFormat: "'{0}.forward(...)' skips TorchSharp's forward hooks, so the LoRA adapter of '{1}' would never apply. Call '{0}.call(...)' instead.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0019");

        public static readonly DiagnosticDescriptor InvalidUnfreezeEpoch = new DiagnosticDescriptor(
            id: "AT0020",
            title: "Invalid UnfreezeAtEpoch",
            messageFormat: "[Freeze(UnfreezeAtEpoch = {0})] on field '{1}' is invalid: {2}. Set UnfreezeAtEpoch to the first epoch that trains the field (at least 2), or to 0 to keep it frozen for the whole run.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0020");

        public static readonly DiagnosticDescriptor UnfreezeAfterLastEpoch = new DiagnosticDescriptor(
            id: "AT0021",
            title: "Field unfreezes after the last epoch",
            messageFormat: "[Freeze(UnfreezeAtEpoch = {0})] on field '{1}' comes after the run's last epoch ([FineTune] Epochs = {2}), so the field stays frozen for the whole run unless a caller raises Epochs. Lower UnfreezeAtEpoch to at most {2}, raise Epochs, or write [Freeze] alone if the field should never train.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0021");

        public static readonly DiagnosticDescriptor InvalidLearningRateScale = new DiagnosticDescriptor(
            id: "AT0022",
            title: "Invalid learning-rate scale",
            messageFormat: "[LearningRateScale({0})] on field '{1}' is invalid: expected a finite number greater than 0 (it multiplies the run's LearningRate). Use e.g. 0.1 for a tenth of the base rate, or [Freeze] to stop the field from training.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0022");

        public static readonly DiagnosticDescriptor RateAndScale = new DiagnosticDescriptor(
            id: "AT0023",
            title: "Both a learning rate and a learning-rate scale on one field",
            messageFormat: "Field '{0}' has both [LearningRate] and [LearningRateScale]; a field's rate is either absolute or relative to the run's LearningRate, not both. Keep [LearningRateScale] (its ratio survives a sweep over LearningRate) or [LearningRate].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0023");

        public static readonly DiagnosticDescriptor ResumeWithoutDirectory = new DiagnosticDescriptor(
            id: "AT0024",
            title: "Resume without a checkpoint directory",
            messageFormat: "[FineTune] Resume = true needs CheckpointDirectory: that is where the run's resume.bin is written at each epoch end and read back. Set CheckpointDirectory = \"...\", or remove Resume.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0024");

        public static readonly DiagnosticDescriptor SeveralInputs = new DiagnosticDescriptor(
            id: "AT0025",
            title: "[FineTune] model's forward takes several inputs",
            messageFormat: "'{0}' has [FineTune] but derives from '{1}', whose forward takes {2} inputs; RunFineTune passes each batch's features to forward as one value. Gather the inputs in one batch type (a class holding the tensors that implements Attune.FineTuning.IModelInput, such as Attune.Transformers.TextBatch for token ids and attention mask) and derive '{0}' from nn.Module<ThatBatch, Tensor>.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0025");

        public static readonly DiagnosticDescriptor NotLayered = new DiagnosticDescriptor(
            id: "AT0026",
            title: "Layer-wise rule on a field that is not a stack of layers",
            messageFormat: "{0} on '{1}' needs a stack of layers, but '{2}' does not implement Attune.FineTuning.ILayeredModule; layer-wise rules give each layer of the stack its own rate or unfreeze epoch. Use them on an encoder such as Attune.Transformers.BertModel, implement ILayeredModule on '{2}', or use [LearningRateScale] / [Freeze(UnfreezeAtEpoch = n)] per field.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0026");

        public static readonly DiagnosticDescriptor InvalidLayerRule = new DiagnosticDescriptor(
            id: "AT0027",
            title: "Invalid layer-wise rule",
            messageFormat: "{0} on '{1}' is invalid: {2}. Fix: {3}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0027");

        public static readonly DiagnosticDescriptor DirectionContradictsMetric = new DiagnosticDescriptor(
            id: "AT0029",
            title: "MetricDirection contradicts the metric",
            messageFormat: "MetricDirection = Direction.{0} on '{1}', but for Metric.{2} {3} values are better; the run would keep its worst epoch as the best and stop early while the model still improves. Remove MetricDirection (Auto takes the direction from the metric) or set it to Direction.{4}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0029");

        public static readonly DiagnosticDescriptor FineTuningNotReferenced = new DiagnosticDescriptor(
            id: "AT0028",
            title: "[FineTune] needs the Attune.FineTuning package",
            messageFormat: "'{0}' has [FineTune], but this project does not reference Attune.FineTuning, which holds the training loop that the generated RunFineTune calls; the generator writes nothing for '{0}'. Add the package Attune.FineTuning (and a libtorch backend such as libtorch-cpu-linux-x64), or remove [FineTune] if this project only sweeps.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0028");

        // ----- [TuneSpace] (AT01xx) -----

        public static readonly DiagnosticDescriptor SpaceNotPartial = new DiagnosticDescriptor(
            id: "AT0101",
            title: "[TuneSpace] type must be partial",
            messageFormat: "'{0}' has [TuneSpace] but '{1}' is not partial; the generator adds Space, Decode, Encode and RunSweep to '{0}', which needs '{0}' and every type containing it to be partial. Add the 'partial' modifier to '{1}'.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0101");

        public static readonly DiagnosticDescriptor SpaceNotAClass = new DiagnosticDescriptor(
            id: "AT0102",
            title: "[TuneSpace] type must be a record or class that can be created",
            messageFormat: "'{0}' has [TuneSpace] but {1}; Decode creates instances with 'new {0} {{ ... }}'. Make '{0}' a non-abstract, non-static record or class with an accessible parameterless constructor.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0102");

        public static readonly DiagnosticDescriptor EmptyRange = new DiagnosticDescriptor(
            id: "AT0103",
            title: "Range is empty or not finite",
            messageFormat: "[{0}({1}, {2})] on '{3}' is not a range: expected a finite low below a finite high. Swap or fix the bounds so that low < high.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0103");

        public static readonly DiagnosticDescriptor LogRangeNotPositive = new DiagnosticDescriptor(
            id: "AT0104",
            title: "Log-scale range must be positive",
            messageFormat: "[{0}] on '{1}' draws on a log scale, but its low end is {2}; expected {3}. Raise the low end, or draw on a linear scale ({4}).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0104");

        public static readonly DiagnosticDescriptor InvalidStep = new DiagnosticDescriptor(
            id: "AT0105",
            title: "Invalid IntRange step",
            messageFormat: "[IntRange({0}, {1})] on '{2}' has Step = {3}: {4}. {5}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0105");

        public static readonly DiagnosticDescriptor InvalidChoices = new DiagnosticDescriptor(
            id: "AT0106",
            title: "Invalid [Choice] values",
            messageFormat: "[Choice] on '{0}' {1}. {2}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0106");

        public static readonly DiagnosticDescriptor TypeMismatch = new DiagnosticDescriptor(
            id: "AT0107",
            title: "Parameter attribute does not fit the property's type",
            messageFormat: "[{0}] on '{1}' {2}, but '{1}' is {3}. {4}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0107");

        public static readonly DiagnosticDescriptor NotSettable = new DiagnosticDescriptor(
            id: "AT0108",
            title: "Tuned property must be a settable instance property",
            messageFormat: "'{0}' is tuned ([{1}]) but {2}; Decode sets each tuned property in an object initializer. Give '{0}' a getter and a 'set' or 'init' accessor and make it an instance property, or remove [{1}].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0108");

        public static readonly DiagnosticDescriptor SeveralRanges = new DiagnosticDescriptor(
            id: "AT0109",
            title: "More than one parameter attribute on a property",
            messageFormat: "'{0}' already has [{1}], so [{2}] is ignored; a parameter has one distribution. Keep one of [Uniform], [LogUniform], [IntRange] or [Choice].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0109");

        public static readonly DiagnosticDescriptor InvalidCondition = new DiagnosticDescriptor(
            id: "AT0110",
            title: "[ActiveWhen] must name an earlier categorical parameter",
            messageFormat: "[ActiveWhen] on '{0}' names '{1}', which {2}; expected an enum, bool or [Choice] parameter declared before '{0}'. Name such a parameter with nameof, or move '{0}' below it.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0110");

        public static readonly DiagnosticDescriptor InvalidConditionValue = new DiagnosticDescriptor(
            id: "AT0111",
            title: "[ActiveWhen] value is not a choice of its parameter",
            messageFormat: "[ActiveWhen] on '{0}' {1}; '{2}' can only be {3}. Use one of those values.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0111");

        public static readonly DiagnosticDescriptor InvalidSweepOption = new DiagnosticDescriptor(
            id: "AT0112",
            title: "Invalid [TuneSpace] option value",
            messageFormat: "[TuneSpace] {0} is {1}, but it must be {2}. Set {0} to {2}, or remove it to use the default ({3}).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0112");

        public static readonly DiagnosticDescriptor SweepDirectionRequired = new DiagnosticDescriptor(
            id: "AT0113",
            title: "A sweep must say Maximize or Minimize",
            messageFormat: "[TuneSpace] on '{0}' has Direction = {1}: a sweep must say Maximize or Minimize, since the build cannot know whether the objective's larger or smaller values are better. Set Direction = Direction.Maximize (accuracy, F1, R²) or Direction.Minimize (loss, error).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0113");

        public static readonly DiagnosticDescriptor UnsupportedParameterType = new DiagnosticDescriptor(
            id: "AT0114",
            title: "Unsupported type for a tuned property",
            messageFormat: "'{0}' is [{1}] but its type is '{2}'; a choice parameter must be an enum, bool, string, int, long, float or double property. Change the property's type, or make it a fixed property by removing [{1}].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0114");

        public static readonly DiagnosticDescriptor NoTunedParameter = new DiagnosticDescriptor(
            id: "AT0115",
            title: "Search space has no tuned parameter",
            messageFormat: "'{0}' has [TuneSpace] but no tuned parameter, so every trial would be the same. Add [Uniform], [LogUniform], [IntRange] or [Choice] to a property, or an enum or bool property.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0115");

        public static readonly DiagnosticDescriptor ConditionOnFixedProperty = new DiagnosticDescriptor(
            id: "AT0116",
            title: "[ActiveWhen] on a property that is not tuned",
            messageFormat: "[ActiveWhen] on '{0}' has no effect because '{0}' is a fixed property, not a tuned parameter. Add [Uniform], [LogUniform], [IntRange] or [Choice] to '{0}', or remove [ActiveWhen].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0116");

        public static readonly DiagnosticDescriptor GridNeedsFiniteSpace = new DiagnosticDescriptor(
            id: "AT0117",
            title: "Grid sampler needs a finite space",
            messageFormat: "[TuneSpace] on '{0}' has Sampler = Sampler.Grid, but the grid is infinite because these parameters are continuous ([Uniform]/[LogUniform]): {1}. Use Sampler.Tpe or Sampler.Random, or make each of them [Choice] or [IntRange].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0117");

        public static readonly DiagnosticDescriptor RequiredNotSettable = new DiagnosticDescriptor(
            id: "AT0118",
            title: "Required member Decode cannot set",
            messageFormat: "'{0}' of '{1}' is 'required', but {2}. Remove 'required' and give '{0}' a default value instead.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0118");

        public static readonly DiagnosticDescriptor BindingTypeMismatch = new DiagnosticDescriptor(
            id: "AT0120",
            title: "Search-space property does not match the fine-tune option of the same name",
            messageFormat: "'{0}' of '{1}' is '{2}', but FineTuneOptions.{0} is '{3}'; ApplyTo binds properties to fine-tune options by name and needs identical types. Change '{0}' to '{3}', or rename it so it does not bind.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0120");

        public static readonly DiagnosticDescriptor SweepDirectionContradictsMetric = new DiagnosticDescriptor(
            id: "AT0121",
            title: "Sweep direction contradicts the fine-tune metric its objective returns",
            messageFormat: "'{0}' sweeps with Direction = Direction.{1}, but its objective returns the BestMetric of '{2}', whose metric ({3}) is better when {4}; the sweep would report the worst trial as the best. Set Direction = Direction.{5} on [TuneSpace], or return a value for which {6} is better.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0121");

        public static readonly DiagnosticDescriptor CmaEsSamplesSomeAtRandom = new DiagnosticDescriptor(
            id: "AT0122",
            title: "CMA-ES samples categorical and conditional parameters at random",
            messageFormat: "[TuneSpace] on '{0}' has Sampler = Sampler.CmaEs, which models only numeric parameters that are always active: {1} are sampled at random, not by CMA-ES. Use Sampler.Tpe or Sampler.Gp for mixed spaces, or make them numeric ranges without [ActiveWhen].",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0122");

        public static readonly DiagnosticDescriptor ScoreWithoutObjective = new DiagnosticDescriptor(
            id: "AT0123",
            title: "[ObjectiveScore] type has no objective",
            messageFormat: "'{0}' is an [ObjectiveScore] type but has no [Objective] property; a sweep compares trials by their objectives. Mark a double property with [Objective(Direction.Maximize)] or [Objective(Direction.Minimize)] (on a positional record parameter: [property: Objective(...)]).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0123");

        public static readonly DiagnosticDescriptor ScoreMemberNotDouble = new DiagnosticDescriptor(
            id: "AT0124",
            title: "Objective or constraint is not a double",
            messageFormat: "'{0}' of '{1}' is marked [{2}] but is '{3}'; objectives and constraints are stored as double. Make '{0}' a double.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0124");

        public static readonly DiagnosticDescriptor ScoreNotPartial = new DiagnosticDescriptor(
            id: "AT0125",
            title: "[ObjectiveScore] type must be partial",
            messageFormat: "'{0}' is an [ObjectiveScore] type, but '{1}' is not declared partial; the generator adds the IObjectiveScore implementation to it. Add 'partial' to the declaration of '{1}'.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0125");

        public static readonly DiagnosticDescriptor ScoreCannotBeBuilt = new DiagnosticDescriptor(
            id: "AT0126",
            title: "[ObjectiveScore] type cannot be rebuilt from stored values",
            messageFormat: "'{0}' cannot be rebuilt from a stored trial's values: it needs a constructor whose parameters are exactly its objectives and constraints ({1}), or a parameterless constructor and settable members. Add such a constructor (a positional record has one) or make the members settable.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0126");

        public static readonly DiagnosticDescriptor ObjectiveWithoutDirection = new DiagnosticDescriptor(
            id: "AT0127",
            title: "Objective has no direction",
            messageFormat: "'{0}' of '{1}' has [Objective(Direction.{2})]; an objective of a score has no metric to take its direction from. Use Direction.Maximize or Direction.Minimize.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0127");

        public static readonly DiagnosticDescriptor PruningSeveralObjectives = new DiagnosticDescriptor(
            id: "AT0128",
            title: "Pruning is not supported with several objectives",
            messageFormat: "'{0}' sweeps with Pruner = Pruner.{1}, but its objective returns '{2}', which has {3} objectives; a pruner compares one intermediate value, so the sweep would stop with an error before its first trial. Set Pruner = Pruner.None on [TuneSpace], or return a score with one objective.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0128");

        public static readonly DiagnosticDescriptor PrunerMaxResourceNotAboveMin = new DiagnosticDescriptor(
            id: "AT0135",
            title: "PrunerMaxResource must be above PrunerMinResource",
            messageFormat: "[TuneSpace] PrunerMaxResource is {0}, not above PrunerMinResource ({1}): Hyperband's first rung is at PrunerMinResource and no trial is pruned at or past PrunerMaxResource, so nothing would ever be pruned. Set PrunerMaxResource to the step at which a trial is complete (above {1}), or remove it for auto (the largest step a completed trial reported).",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0135");



        public static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor(
            id: "AT0099",
            title: "Internal Attune generator error",
            messageFormat: "The Attune generator failed on '{0}': {1}. No code was generated for it; please report this at https://github.com/attune-dotnet/attune/issues.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0099");
    }
}
