using Microsoft.CodeAnalysis;

namespace Attune.Generator.Common
{
    /// <summary>
    /// The Attune and TorchSharp types both halves compare against, resolved once per compilation and combined into each
    /// pipeline (never tracked: it holds symbols, and it is new with every compilation by design). Missing types are null:
    /// a project may reference the attributes without the runtime, or the search side without TorchSharp.
    /// </summary>
    internal sealed class KnownTypes
    {
        public const string FineTuneAttributeName = "Attune.FineTuneAttribute";
        public const string FreezeAttributeName = "Attune.FreezeAttribute";
        public const string LearningRateAttributeName = "Attune.LearningRateAttribute";
        public const string WeightDecayAttributeName = "Attune.WeightDecayAttribute";
        public const string LearningRateScaleAttributeName = "Attune.LearningRateScaleAttribute";
        public const string LoraAttributeName = "Attune.LoraAttribute";
        public const string LayerwiseDecayAttributeName = "Attune.LayerwiseDecayAttribute";
        public const string TuneSpaceAttributeName = "Attune.TuneSpaceAttribute";
        public const string ObjectiveScoreAttributeName = "Attune.ObjectiveScoreAttribute";
        public const string ObjectiveAttributeName = "Attune.ObjectiveAttribute";
        public const string ConstraintAttributeName = "Attune.ConstraintAttribute";

        public KnownTypes(Compilation compilation)
        {
            FineTuneAttribute = compilation.GetTypeByMetadataName(FineTuneAttributeName);
            FreezeAttribute = compilation.GetTypeByMetadataName(FreezeAttributeName);
            LearningRateAttribute = compilation.GetTypeByMetadataName(LearningRateAttributeName);
            WeightDecayAttribute = compilation.GetTypeByMetadataName(WeightDecayAttributeName);
            LearningRateScaleAttribute = compilation.GetTypeByMetadataName(LearningRateScaleAttributeName);
            Module = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module");
            ModuleOfInputOutput = compilation.GetTypeByMetadataName("TorchSharp.torch+nn+Module`2");
            Tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            Parameter = compilation.GetTypeByMetadataName("TorchSharp.Modules.Parameter");
            LoraAttribute = compilation.GetTypeByMetadataName(LoraAttributeName);
            LayerwiseDecayAttribute = compilation.GetTypeByMetadataName(LayerwiseDecayAttributeName);
            LayeredModule = compilation.GetTypeByMetadataName("Attune.FineTuning.ILayeredModule");
            Linear = compilation.GetTypeByMetadataName("TorchSharp.Modules.Linear");
            TuneSpaceAttribute = compilation.GetTypeByMetadataName(TuneSpaceAttributeName);
            UniformAttribute = compilation.GetTypeByMetadataName("Attune.UniformAttribute");
            LogUniformAttribute = compilation.GetTypeByMetadataName("Attune.LogUniformAttribute");
            IntRangeAttribute = compilation.GetTypeByMetadataName("Attune.IntRangeAttribute");
            ChoiceAttribute = compilation.GetTypeByMetadataName("Attune.ChoiceAttribute");
            ActiveWhenAttribute = compilation.GetTypeByMetadataName("Attune.ActiveWhenAttribute");
            FineTuneOptions = compilation.GetTypeByMetadataName("Attune.FineTuning.FineTuneOptions");
            FineTunable = compilation.GetTypeByMetadataName("Attune.FineTuning.IFineTunable");
            Compilation = compilation;
        }

        public INamedTypeSymbol? FineTuneAttribute { get; }

        /// <summary>The interface every generated fine-tune implements; null when Attune.FineTuning is not referenced.</summary>
        public INamedTypeSymbol? FineTunable { get; }
        public INamedTypeSymbol? FreezeAttribute { get; }
        public INamedTypeSymbol? LearningRateAttribute { get; }
        public INamedTypeSymbol? WeightDecayAttribute { get; }
        public INamedTypeSymbol? LearningRateScaleAttribute { get; }
        public INamedTypeSymbol? Module { get; }
        public INamedTypeSymbol? ModuleOfInputOutput { get; }
        public INamedTypeSymbol? Tensor { get; }
        public INamedTypeSymbol? Parameter { get; }
        public INamedTypeSymbol? LoraAttribute { get; }
        public INamedTypeSymbol? LayerwiseDecayAttribute { get; }
        public INamedTypeSymbol? LayeredModule { get; }
        public INamedTypeSymbol? TuneSpaceAttribute { get; }
        public INamedTypeSymbol? UniformAttribute { get; }
        public INamedTypeSymbol? LogUniformAttribute { get; }
        public INamedTypeSymbol? IntRangeAttribute { get; }
        public INamedTypeSymbol? ChoiceAttribute { get; }
        public INamedTypeSymbol? ActiveWhenAttribute { get; }
        public INamedTypeSymbol? FineTuneOptions { get; }

        /// <summary>Whether a field of this type is a stack of layers (implements <c>Attune.FineTuning.ILayeredModule</c>); null
        /// when that cannot be known at build (a type parameter, or the runtime is not referenced).</summary>
        public bool? IsLayered(ITypeSymbol type)
        {
            if (LayeredModule is null || type is ITypeParameterSymbol)
                return null;
            foreach (var candidate in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, LayeredModule))
                    return true;
            }
            return SymbolEqualityComparer.Default.Equals(type, LayeredModule);
        }
        public INamedTypeSymbol? Linear { get; }
        /// <summary>For semantic models of the model's other partial declarations (the [Lora] forward() check).</summary>
        public Compilation Compilation { get; }

        /// <summary>True for TorchSharp's <c>nn.Module&lt;T1, …, Tn, TResult&gt;</c> with two or more inputs.</summary>
        public bool IsMultiInputModule(INamedTypeSymbol definition)
            => Module is not null && definition.Name == "Module" && definition.Arity >= 3
               && SymbolEqualityComparer.Default.Equals(definition.ContainingType, Module.ContainingType);

        public bool IsTensor(ITypeSymbol type) => Tensor is not null && SymbolEqualityComparer.Default.Equals(type, Tensor);

        /// <summary>True for a type that is or derives from TorchSharp's <c>nn.Module</c> or <c>Parameter</c>
        /// (a type parameter counts when one of its constraints does).</summary>
        public bool IsModuleOrParameter(ITypeSymbol type)
        {
            if (type is ITypeParameterSymbol typeParameter)
            {
                foreach (var constraint in typeParameter.ConstraintTypes)
                {
                    if (IsModuleOrParameter(constraint))
                        return true;
                }
                return false;
            }

            for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
            {
                var definition = current.OriginalDefinition;
                if ((Module is not null && SymbolEqualityComparer.Default.Equals(definition, Module))
                    || (Parameter is not null && SymbolEqualityComparer.Default.Equals(definition, Parameter)))
                    return true;
            }
            return false;
        }

        /// <summary>True when <paramref name="type"/> or one of its base types is an error type (the compiler
        /// already reports it, so the generator stays quiet).</summary>
        public static bool HasErrorInBaseChain(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.TypeKind == TypeKind.Error)
                    return true;
            }
            return false;
        }

        /// <summary>Which [FineTune] field attribute <paramref name="attribute"/> is, if any.</summary>
        public FieldAttributeKind Classify(AttributeData attribute)
        {
            var attributeClass = attribute.AttributeClass;
            if (Is(attributeClass, FreezeAttribute))
                return FieldAttributeKind.Freeze;
            if (Is(attributeClass, LearningRateAttribute))
                return FieldAttributeKind.LearningRate;
            if (Is(attributeClass, WeightDecayAttribute))
                return FieldAttributeKind.WeightDecay;
            if (Is(attributeClass, LearningRateScaleAttribute))
                return FieldAttributeKind.LearningRateScale;
            if (Is(attributeClass, LoraAttribute))
                return FieldAttributeKind.Lora;
            if (Is(attributeClass, LayerwiseDecayAttribute))
                return FieldAttributeKind.LayerwiseDecay;
            return FieldAttributeKind.None;
        }

        /// <summary>Which [TuneSpace] parameter attribute <paramref name="attribute"/> is, if any.</summary>
        public TuneAttributeKind ClassifyParameter(AttributeData attribute)
        {
            var attributeClass = attribute.AttributeClass;
            if (Is(attributeClass, UniformAttribute))
                return TuneAttributeKind.Uniform;
            if (Is(attributeClass, LogUniformAttribute))
                return TuneAttributeKind.LogUniform;
            if (Is(attributeClass, IntRangeAttribute))
                return TuneAttributeKind.IntRange;
            if (Is(attributeClass, ChoiceAttribute))
                return TuneAttributeKind.Choice;
            if (Is(attributeClass, ActiveWhenAttribute))
                return TuneAttributeKind.ActiveWhen;
            return TuneAttributeKind.None;
        }

        private static bool Is(INamedTypeSymbol? attributeClass, INamedTypeSymbol? known)
            => attributeClass is not null && known is not null && SymbolEqualityComparer.Default.Equals(attributeClass, known);
    }

    internal enum TuneAttributeKind
    {
        None,
        Uniform,
        LogUniform,
        IntRange,
        Choice,
        ActiveWhen,
    }

    internal enum FieldAttributeKind
    {
        None,
        Freeze,
        LearningRate,
        WeightDecay,
        LearningRateScale,
        Lora,
        LayerwiseDecay,
    }
}
