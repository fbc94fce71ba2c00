using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic the Attune generator reports. IDs are stable; each is documented in docs/diagnostics.md and
    /// tracked in AnalyzerReleases.Unshipped.md.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "Attune";

        private const string HelpBase = "https://github.com/attune-dotnet/attune/blob/main/docs/diagnostics.md#";

        public static readonly DiagnosticDescriptor NotPartial = new DiagnosticDescriptor(
            id: "AT0001",
            title: "[FineTune] type must be partial",
            messageFormat: "'{0}' has [FineTune] but {1} is not partial; the generator adds RunFineTune and the fine-tune plan to it. Add the 'partial' modifier to {1}.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0001");

        public static readonly DiagnosticDescriptor NotAModule = new DiagnosticDescriptor(
            id: "AT0002",
            title: "[FineTune] type must be a TorchSharp module",
            messageFormat: "'{0}' has [FineTune] but derives from '{1}'; expected a class deriving (directly or not) from TorchSharp.torch.nn.Module<Tensor, Tensor>. Derive '{0}' from nn.Module<Tensor, Tensor>.",
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

        public static readonly DiagnosticDescriptor InternalError = new DiagnosticDescriptor(
            id: "AT0099",
            title: "Internal Attune generator error",
            messageFormat: "The Attune generator failed on '{0}': {1}. No code was generated for it; please report this at https://github.com/attune-dotnet/attune/issues.",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + "at0099");

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = new Dictionary<string, DiagnosticDescriptor>
        {
            [NotPartial.Id] = NotPartial,
            [NotAModule.Id] = NotAModule,
            [InvalidOption.Id] = InvalidOption,
            [WarmupConflict.Id] = WarmupConflict,
            [UnsupportedMember.Id] = UnsupportedMember,
            [FrozenWithRule.Id] = FrozenWithRule,
            [NothingToTrain.Id] = NothingToTrain,
            [InvalidFieldValue.Id] = InvalidFieldValue,
            [CustomWithoutMethod.Id] = CustomWithoutMethod,
            [CustomIgnored.Id] = CustomIgnored,
            [InvalidCustomLoss.Id] = InvalidCustomLoss,
            [InvalidCustomMetric.Id] = InvalidCustomMetric,
            [CustomMetricDirection.Id] = CustomMetricDirection,
            [FieldAttributeWithoutFineTune.Id] = FieldAttributeWithoutFineTune,
            [InternalError.Id] = InternalError,
        };

        /// <summary>Every descriptor, for tests and documentation checks.</summary>
        public static IReadOnlyCollection<DiagnosticDescriptor> All => ById.Values;

        public static DiagnosticDescriptor Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : InternalError;
    }
}
