using Microsoft.CodeAnalysis;

namespace Attune.Generator.Parsing
{
    /// <summary>The Attune and TorchSharp types the parser compares against, resolved once per transform.</summary>
    internal sealed class KnownTypes
    {
        public const string FineTuneAttributeName = "Attune.FineTuneAttribute";
        public const string FreezeAttributeName = "Attune.FreezeAttribute";
        public const string LearningRateAttributeName = "Attune.LearningRateAttribute";
        public const string WeightDecayAttributeName = "Attune.WeightDecayAttribute";
        public const string LearningRateScaleAttributeName = "Attune.LearningRateScaleAttribute";
        public const string LoraAttributeName = "Attune.LoraAttribute";
        public const string LayerwiseDecayAttributeName = "Attune.LayerwiseDecayAttribute";

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
            LayeredModule = compilation.GetTypeByMetadataName("Attune.ILayeredModule");
            Linear = compilation.GetTypeByMetadataName("TorchSharp.Modules.Linear");
            Compilation = compilation;
        }

        public INamedTypeSymbol? FineTuneAttribute { get; }
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

        /// <summary>Whether a field of this type is a stack of layers (implements <c>Attune.ILayeredModule</c>); null
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

        public FieldAttributeKind Classify(AttributeData attribute)
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null)
                return FieldAttributeKind.None;
            if (FreezeAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, FreezeAttribute))
                return FieldAttributeKind.Freeze;
            if (LearningRateAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, LearningRateAttribute))
                return FieldAttributeKind.LearningRate;
            if (WeightDecayAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, WeightDecayAttribute))
                return FieldAttributeKind.WeightDecay;
            if (LearningRateScaleAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, LearningRateScaleAttribute))
                return FieldAttributeKind.LearningRateScale;
            if (LoraAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, LoraAttribute))
                return FieldAttributeKind.Lora;
            if (LayerwiseDecayAttribute is not null && SymbolEqualityComparer.Default.Equals(attributeClass, LayerwiseDecayAttribute))
                return FieldAttributeKind.LayerwiseDecay;
            return FieldAttributeKind.None;
        }
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
