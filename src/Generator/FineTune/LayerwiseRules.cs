using System;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.FineTune
{
    /// <summary>
    /// Reads and checks the layer-wise rules of a field: [LayerwiseDecay(d)] and [Freeze(UnfreezeAtEpoch = n,
    /// LayerByLayer = true)] (AT0026 on a field that is not an ILayeredModule, AT0027 for an invalid value, AT0006 for
    /// a decay on a field frozen for the whole run). An invalid rule is reported and left out of the emitted code, so the build says what is wrong
    /// instead of the generated code throwing at run time.
    /// </summary>
    internal static class LayerwiseRules
    {
        public static (string? Decay, bool LayerByLayer) Parse(AttributeData? freeze, AttributeData? decayAttribute, int unfreezeAtEpoch,
            string fieldName, ITypeSymbol fieldType, KnownTypes known, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            var layerByLayerArgument = freeze is null ? null : GradualFieldRules.NamedArgument(freeze, "LayerByLayer", cancellationToken);
            bool wantsLayerByLayer = freeze is not null && NamedBool(freeze, "LayerByLayer");
            if (decayAttribute is null && !wantsLayerByLayer)
                return (null, false);

            string rule = decayAttribute is not null ? "[LayerwiseDecay]" : "[Freeze(LayerByLayer = true)]";
            var ruleLocation = decayAttribute is not null
                ? FieldRulesParser.AttributeLocation(decayAttribute, cancellationToken)
                : LocationInfo.From(layerByLayerArgument) ?? FieldRulesParser.AttributeLocation(freeze!, cancellationToken);
            if (known.IsLayered(fieldType) == false)
            {
                diagnostics.Add(DiagnosticDescriptors.NotLayered, ruleLocation, rule, fieldName, fieldType.ToDisplayString());
                return (null, false);
            }
            // LayerByLayer needs [Freeze], which a [Lora] field cannot have (AT0017 says so); [LayerwiseDecay] on a LoRA
            // field gives each layer's adapters their own rate.
            string? decayLiteral = null;
            if (decayAttribute is not null && decayAttribute.ConstructorArguments.Length == 1
                && decayAttribute.ConstructorArguments[0] is { Kind: not TypedConstantKind.Error, Value: not null } argument)
            {
                var value = Convert.ToDouble(argument.Value, CultureInfo.InvariantCulture);
                decayLiteral = Literals.Double(value);
                if (!(value > 0 && value <= 1))
                {
                    diagnostics.Add(DiagnosticDescriptors.InvalidLayerRule, GradualFieldRules.FirstArgumentLocation(decayAttribute, cancellationToken), "[LayerwiseDecay]", fieldName,
                        "the decay is " + (double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture)) + ", but it must be in (0, 1]: each layer below the top trains at that multiple of the rate of the layer above",
                        "use a value such as 0.9");
                    decayLiteral = null;
                }
                else if (freeze is not null && unfreezeAtEpoch == 0)
                {
                    diagnostics.Add(DiagnosticDescriptors.FrozenWithRule, FieldRulesParser.AttributeLocation(decayAttribute, cancellationToken), fieldName, "LayerwiseDecay", "layer-wise learning-rate decay");
                    decayLiteral = null;
                }
            }

            bool layerByLayer = false;
            if (wantsLayerByLayer)
            {
                if (unfreezeAtEpoch < 2)
                    diagnostics.Add(DiagnosticDescriptors.InvalidLayerRule, LocationInfo.From(layerByLayerArgument), "[Freeze(LayerByLayer = true)]", fieldName,
                        "LayerByLayer unfreezes the layers one per epoch from the top starting at UnfreezeAtEpoch, but UnfreezeAtEpoch is not set to an epoch of at least 2",
                        "add UnfreezeAtEpoch = 2 (the top layer then trains from epoch 2)");
                else
                    layerByLayer = true;
            }
            return (decayLiteral, layerByLayer);
        }

        private static bool NamedBool(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is bool value)
                    return value;
            }
            return false;
        }
    }
}
