using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>One tuned property's distribution: [Uniform]/[LogUniform] (AT0103, AT0104, AT0107), [IntRange] (AT0103–AT0105,
    /// AT0107), [Choice] (AT0106, AT0107, AT0114), and the implicit choice of an enum or bool.</summary>
    internal sealed class DistributionParser
    {
        private readonly SpaceContext _context;

        public DistributionParser(SpaceContext context) => _context = context;


        public TuneParameterModel? ParseFloat(PropertyEntry entry, AttributeData attribute, bool log)
        {
            var name = log ? "LogUniform" : "Uniform";
            if (!TryConstructorNumbers(attribute, out var low, out var high))
                return null;
            if (entry.Category is not (ValueCategory.Double or ValueCategory.Single))
            {
                _context.Diagnostics.Add(
                    DiagnosticDescriptors.TypeMismatch,
                    _context.AttributeLocation(attribute),
                    name,
                    entry.Property.Name,
                    "draws floating-point values",
                    TypeDisplay(entry.Property.Type),
                    entry.Category is ValueCategory.Int32 or ValueCategory.Int64
                        ? "Use [IntRange] for an integer property, or make the property double"
                        : "Make the property double or float");
                return null;
            }
            if (!IsFinite(low) || !IsFinite(high) || low >= high)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.EmptyRange, _context.AttributeLocation(attribute), name, Number(low), Number(high), entry.Property.Name);
                return null;
            }
            if (log && low <= 0)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.LogRangeNotPositive, _context.AttributeLocation(attribute), name, entry.Property.Name, Number(low), "a low end greater than 0", "[Uniform]");
                return null;
            }

            entry.Cardinality = null;
            return TuneParameterModel.Float(
                entry.Property.Name,
                TypeName(entry.Property.Type),
                entry.Category == ValueCategory.Single ? TuneValueShape.Single : TuneValueShape.Double,
                low,
                high,
                log);
        }


        public TuneParameterModel? ParseInt(PropertyEntry entry, AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 2
                || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null)
                || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
                return null;
            var low = Convert.ToInt64(attribute.ConstructorArguments[0].Value, CultureInfo.InvariantCulture);
            var high = Convert.ToInt64(attribute.ConstructorArguments[1].Value, CultureInfo.InvariantCulture);
            long step = 1;
            var log = false;
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == "Step" && pair.Value.Value is not null)
                    step = Convert.ToInt64(pair.Value.Value, CultureInfo.InvariantCulture);
                else if (pair.Key == "Log" && pair.Value.Value is bool flag)
                    log = flag;
            }
            var name = entry.Property.Name;
            var location = _context.AttributeLocation(attribute);

            if (entry.Category is not (ValueCategory.Int32 or ValueCategory.Int64))
            {
                _context.Diagnostics.Add(
                    DiagnosticDescriptors.TypeMismatch,
                    location,
                    "IntRange",
                    name,
                    "draws integers",
                    TypeDisplay(entry.Property.Type),
                    entry.Category is ValueCategory.Double or ValueCategory.Single
                        ? "Use [Uniform] or [LogUniform] for a floating-point property, or make the property int"
                        : "Make the property int or long");
                return null;
            }
            if (low >= high)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.EmptyRange, location, "IntRange", Literals.Integer(low), Literals.Integer(high), name);
                return null;
            }
            if (entry.Category == ValueCategory.Int32 && (low < int.MinValue || high > int.MaxValue))
            {
                _context.Diagnostics.Add(
                    DiagnosticDescriptors.TypeMismatch,
                    location,
                    "IntRange",
                    name,
                    "reaches from " + Literals.Integer(low) + " to " + Literals.Integer(high),
                    "'int', which holds -2147483648 to 2147483647",
                    "Narrow the range, or make the property long");
                return null;
            }
            if (log && low < 1)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.LogRangeNotPositive, location, "IntRange", name, Literals.Integer(low), "at least 1", "remove Log = true");
                return null;
            }

            var stepLocation = _context.NamedArgumentLocation(attribute, "Step") ?? location;
            var stepText = Literals.Integer(step);
            if (step <= 0)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.InvalidStep, stepLocation, Literals.Integer(low), Literals.Integer(high), name, stepText, "a step must be at least 1", "Set Step to a positive number, or remove it for 1");
                return null;
            }
            if (log && step != 1)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.InvalidStep, stepLocation, Literals.Integer(low), Literals.Integer(high), name, stepText, "a log-scale range has no step", "Remove Step, or remove Log = true");
                return null;
            }
            var width = (decimal)high - low;
            if (width % step != 0)
            {
                var fitted = low + (long)(decimal.Floor(width / step) * step);
                _context.Diagnostics.Add(
                    DiagnosticDescriptors.InvalidStep,
                    stepLocation,
                    Literals.Integer(low),
                    Literals.Integer(high),
                    name,
                    stepText,
                    "the width " + width.ToString(CultureInfo.InvariantCulture) + " (High - Low) is not a multiple of " + stepText + ", so High would never be drawn",
                    "Set High to " + Literals.Integer(fitted) + " or " + Literals.Integer(fitted + step) + ", or choose a Step that divides " + width.ToString(CultureInfo.InvariantCulture));
                return null;
            }

            var count = decimal.Floor(width / step) + 1;
            entry.Cardinality = count > long.MaxValue ? long.MaxValue : (long)count;
            return TuneParameterModel.Int(
                name,
                TypeName(entry.Property.Type),
                entry.Category == ValueCategory.Int32 ? TuneValueShape.Int32 : TuneValueShape.Int64,
                low,
                high,
                log,
                step);
        }


        public TuneParameterModel? ParseChoice(PropertyEntry entry, AttributeData attribute)
        {
            var property = entry.Property;
            if (entry.Category == ValueCategory.Unsupported)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.UnsupportedParameterType, _context.PropertyTypeLocation(property), property.Name, "Choice", TypeDisplay(property.Type).Trim('\''));
                return null;
            }
            if (!TryParamsValues(attribute, 0, out var values))
                return null;
            var location = _context.AttributeLocation(attribute);
            if (values.Count == 0)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.InvalidChoices, location, property.Name, "lists no values", "List the values to choose from, e.g. [Choice(16, 32, 64)]");
                return null;
            }

            var choices = new List<ChoiceValue>();
            var ok = true;
            for (var i = 0; i < values.Count; i++)
            {
                var converted = ConvertValue(values[i], property.Type, entry.Category);
                if (converted is null)
                {
                    var expected = TypeDisplay(property.Type);
                    _context.Diagnostics.Add(
                        DiagnosticDescriptors.TypeMismatch,
                        _context.ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                        "Choice",
                        property.Name,
                        "lists " + Display(values[i]),
                        expected,
                        "List values of type " + expected.Trim('\''));
                    ok = false;
                    continue;
                }
                choices.Add(converted);
            }
            if (!ok)
                return null;

            var firstType = values[0].Type;
            for (var i = 1; i < values.Count; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(values[i].Type, firstType))
                {
                    _context.Diagnostics.Add(
                        DiagnosticDescriptors.InvalidChoices,
                        _context.ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                        property.Name,
                        "mixes values of type " + ValueTypeName(values[0]) + " and " + ValueTypeName(values[i]),
                        "List values of one type (write 1.0, not 1, among doubles)");
                    return null;
                }
            }

            // A NaN or an infinity would build and then sample, store and compare badly (NaN equals nothing, so a
            // stored trial could not be matched to its choice); the range attributes already refuse them.
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i].Value is double d && (double.IsNaN(d) || double.IsInfinity(d))
                    || values[i].Value is float f && (float.IsNaN(f) || float.IsInfinity(f)))
                {
                    _context.Diagnostics.Add(
                        DiagnosticDescriptors.InvalidChoices,
                        _context.ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                        property.Name,
                        "lists " + Display(values[i]) + ", which is not a finite number",
                        "List finite values only; a NaN or an infinity cannot be compared or stored as a choice");
                    return null;
                }
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < choices.Count; i++)
            {
                if (!seen.Add(choices[i].Text))
                {
                    _context.Diagnostics.Add(
                        DiagnosticDescriptors.InvalidChoices,
                        _context.ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                        property.Name,
                        "lists " + Display(values[i]) + " twice",
                        "Remove the repeated value");
                    return null;
                }
            }
            return Categorical(entry, choices);
        }


        public static TuneParameterModel Categorical(PropertyEntry entry, List<ChoiceValue> choices)
        {
            entry.Choices = choices;
            entry.Cardinality = choices.Count;
            return TuneParameterModel.Categorical(
                entry.Property.Name,
                TypeName(entry.Property.Type),
                choices.Select(c => c.Text).ToEquatableArray(),
                choices.Select(c => c.Literal).ToEquatableArray());
        }
    }
}
