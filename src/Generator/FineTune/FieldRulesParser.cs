using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>Reads [Freeze] (with its UnfreezeAtEpoch), [LearningRate], [LearningRateScale], [WeightDecay] and [Lora]
    /// (see <see cref="LoraParser"/>) from the model's own members.</summary>
    internal static class FieldRulesParser
    {
        public static List<FieldRuleModel> Parse(INamedTypeSymbol type, KnownTypes known, LocationInfo? fineTuneNameLocation, int epochs, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            var rules = new List<FieldRuleModel>();
            var trainableFields = 0;
            var frozenFields = new List<string>();

            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsImplicitlyDeclared || member is not (IFieldSymbol or IPropertySymbol))
                    continue;

                var field = member as IFieldSymbol;
                var memberType = field?.Type ?? ((IPropertySymbol)member).Type;
                var isCandidate = field is not null && !field.IsStatic && !field.IsConst && known.IsModuleOrParameter(memberType);

                AttributeData? freeze = null, learningRate = null, weightDecay = null, learningRateScale = null, lora = null, layerwiseDecay = null;
                foreach (var attribute in member.GetAttributes())
                {
                    var kind = known.Classify(attribute);
                    if (kind == FieldAttributeKind.None)
                        continue;

                    if (!isCandidate)
                    {
                        var reason = UnsupportedReason(field, memberType);
                        if (reason is not null)
                        {
                            diagnostics.Add(
                                DiagnosticDescriptors.UnsupportedMember,
                                AttributeLocation(attribute, cancellationToken),
                                ShortName(kind),
                                field is null ? "property" : "field",
                                member.Name,
                                reason);
                        }
                        continue;
                    }

                    switch (kind)
                    {
                        case FieldAttributeKind.Freeze: freeze = attribute; break;
                        case FieldAttributeKind.LearningRate: learningRate = attribute; break;
                        case FieldAttributeKind.WeightDecay: weightDecay = attribute; break;
                        case FieldAttributeKind.LearningRateScale: learningRateScale = attribute; break;
                        case FieldAttributeKind.Lora: lora = attribute; break;
                        case FieldAttributeKind.LayerwiseDecay: layerwiseDecay = attribute; break;
                    }
                }

                if (!isCandidate)
                    continue;

                trainableFields++;
                var unfreezeAtEpoch = freeze is null ? 0 : GradualFieldRules.UnfreezeAtEpoch(freeze, member.Name, epochs, diagnostics, cancellationToken);
                if (freeze is not null)
                    frozenFields.Add(unfreezeAtEpoch > 0 ? member.Name + " (until epoch " + Literals.Integer(unfreezeAtEpoch) + ")" : member.Name);
                if (freeze is null && learningRate is null && weightDecay is null && learningRateScale is null && lora is null && layerwiseDecay is null)
                    continue;

                var learningRateLiteral = ReadValue(learningRate, FieldAttributeKind.LearningRate, member.Name, diagnostics, cancellationToken);
                var weightDecayLiteral = ReadValue(weightDecay, FieldAttributeKind.WeightDecay, member.Name, diagnostics, cancellationToken);
                var scaleLiteral = GradualFieldRules.Scale(learningRateScale, member.Name, diagnostics, cancellationToken);
                if (learningRate is not null && learningRateScale is not null)
                    diagnostics.Add(DiagnosticDescriptors.RateAndScale, AttributeLocation(learningRateScale, cancellationToken), member.Name);
                // A field that unfreezes later trains at its own rate and decay from then on; only a field frozen for
                // the whole run makes them meaningless.
                if (freeze is not null && unfreezeAtEpoch == 0)
                {
                    if (learningRate is not null)
                        diagnostics.Add(DiagnosticDescriptors.FrozenWithRule, AttributeLocation(learningRate, cancellationToken), member.Name, "LearningRate", "learning rate");
                    if (weightDecay is not null)
                        diagnostics.Add(DiagnosticDescriptors.FrozenWithRule, AttributeLocation(weightDecay, cancellationToken), member.Name, "WeightDecay", "weight decay");
                    if (learningRateScale is not null)
                        diagnostics.Add(DiagnosticDescriptors.FrozenWithRule, AttributeLocation(learningRateScale, cancellationToken), member.Name, "LearningRateScale", "learning-rate scale");
                }

                var loraLiteral = lora is null ? null : LoraParser.Parse(type, field!, lora, freeze is not null, known, diagnostics, cancellationToken);
                var (layerDecay, layerByLayer) = LayerwiseRules.Parse(freeze, layerwiseDecay, unfreezeAtEpoch, member.Name, memberType, known, diagnostics, cancellationToken);
                rules.Add(new FieldRuleModel(member.Name, Literals.Identifier(member.Name), freeze is not null, learningRateLiteral, weightDecayLiteral, unfreezeAtEpoch, scaleLiteral, loraLiteral,
                    layerDecay, layerByLayer));
            }

            if (trainableFields > 0 && frozenFields.Count == trainableFields)
            {
                diagnostics.Add(
                    DiagnosticDescriptors.NothingToTrain,
                    fineTuneNameLocation,
                    type.Name,
                    string.Join(", ", frozenFields));
            }

            return rules;
        }

        /// <summary>Why a member cannot carry a field attribute; null when the compiler already reports its type.</summary>
        private static string? UnsupportedReason(IFieldSymbol? field, ITypeSymbol type)
        {
            if (field is null)
                return "it is a property, and TorchSharp registers fields only; make it a field";
            if (field.IsStatic || field.IsConst)
                return "it is static, so it is not part of the module's registered components; make it an instance field";
            if (type.TypeKind == TypeKind.Error || KnownTypes.HasErrorInBaseChain(type))
                return null;
            return "its type '" + type.ToDisplayString() + "' is neither a TorchSharp module nor a Parameter";
        }

        private static string? ReadValue(AttributeData? attribute, FieldAttributeKind kind, string fieldName, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            if (attribute is null || !AttributeArguments.TryReadSingleNumber(attribute, out var value))
                return null;

            var literal = Literals.Double(value);
            var valid = kind == FieldAttributeKind.LearningRate
                ? value > 0 && OptionSpec.IsFinite(value)
                : value >= 0 && OptionSpec.IsFinite(value);
            if (!valid)
            {
                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                var location = syntax?.ArgumentList?.Arguments.Count > 0
                    ? LocationInfo.From(syntax.ArgumentList.Arguments[0])
                    : LocationInfo.From(syntax);
                diagnostics.Add(
                    DiagnosticDescriptors.InvalidFieldValue,
                    location,
                    ShortName(kind),
                    literal.StartsWith("global::System.Double.", StringComparison.Ordinal) ? "double." + literal.Substring(22) : literal,
                    fieldName,
                    kind == FieldAttributeKind.LearningRate ? "a finite number greater than 0" : "a finite number of at least 0");
            }
            return literal;
        }

        internal static LocationInfo? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken)
            => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));

        internal static string ShortName(FieldAttributeKind kind) => kind switch
        {
            FieldAttributeKind.Freeze => "Freeze",
            FieldAttributeKind.LearningRate => "LearningRate",
            FieldAttributeKind.WeightDecay => "WeightDecay",
            FieldAttributeKind.LearningRateScale => "LearningRateScale",
            FieldAttributeKind.Lora => "Lora",
            FieldAttributeKind.LayerwiseDecay => "LayerwiseDecay",
            _ => kind.ToString(),
        };
    }
}
