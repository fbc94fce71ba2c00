using System;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>Reads and checks [Freeze(UnfreezeAtEpoch = n)] (AT0020, AT0021) and [LearningRateScale(s)] (AT0022).</summary>
    internal static class GradualFieldRules
    {
        /// <summary>The epoch from which the field trains, 0 when it stays frozen. An invalid value is reported and
        /// emitted as 0 (the generated code must not throw where the build already said what is wrong).</summary>
        public static int UnfreezeAtEpoch(AttributeData freeze, string fieldName, int epochs, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            int? value = null;
            foreach (var pair in freeze.NamedArguments)
            {
                if (pair.Key == "UnfreezeAtEpoch" && pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is int epoch)
                    value = epoch;
            }
            if (value is not int n || n == 0)
                return 0;

            var location = LocationInfo.From(NamedArgument(freeze, "UnfreezeAtEpoch", cancellationToken))
                ?? FieldRulesParser.AttributeLocation(freeze, cancellationToken);
            var literal = Literals.Integer(n);
            if (n < 2)
            {
                diagnostics.Add(DiagnosticDescriptors.InvalidUnfreezeEpoch, location, literal, fieldName,
                    n == 1
                        ? "epoch 1 is the first epoch, so the field would never be frozen (remove [Freeze] to train it from the start)"
                        : "epochs are counted from 1, so a negative epoch never comes");
                return 0;
            }
            if (epochs >= 1 && n > epochs)
                diagnostics.Add(DiagnosticDescriptors.UnfreezeAfterLastEpoch, location, literal, fieldName, Literals.Integer(epochs));
            return n;
        }

        /// <summary>The scale's literal, or null without the attribute; AT0022 when it is not a finite number above 0.</summary>
        public static string? Scale(AttributeData? attribute, string fieldName, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            if (attribute is null || !AttributeArguments.TryReadSingleNumber(attribute, out var value))
                return null;
            var literal = Literals.Double(value);
            if (!(value > 0 && OptionSpec.IsFinite(value)))
            {
                diagnostics.Add(DiagnosticDescriptors.InvalidLearningRateScale, FirstArgumentLocation(attribute, cancellationToken),
                    literal.StartsWith("global::System.Double.", StringComparison.Ordinal) ? "double." + literal.Substring(22) : literal, fieldName);
                return null;
            }
            return literal;
        }

        /// <summary>Where an attribute's first positional argument is (the whole attribute when it has none).</summary>
        internal static LocationInfo? FirstArgumentLocation(AttributeData attribute, CancellationToken cancellationToken)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            return syntax?.ArgumentList?.Arguments.Count > 0 ? LocationInfo.From(syntax.ArgumentList.Arguments[0]) : LocationInfo.From(syntax);
        }

        /// <summary>The syntax of a named argument of an attribute application (for its location), or null.</summary>
        internal static AttributeArgumentSyntax? NamedArgument(AttributeData attribute, string name, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                return null;
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    return argument;
            }
            return null;
        }
    }
}
