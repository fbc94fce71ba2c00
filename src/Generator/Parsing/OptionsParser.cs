using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Parsing
{
    /// <summary>What <c>[FineTune]</c> says, read once: the emitted option literals, and the raw values and argument
    /// locations the cross-option checks need.</summary>
    internal sealed class ParsedOptions
    {
        public ParsedOptions(List<OptionAssignment> assignments, Dictionary<string, AttributeArgumentSyntax> arguments, Dictionary<string, TypedConstant> values, Dictionary<string, string?> enumMembers)
        {
            Assignments = assignments;
            Arguments = arguments;
            Values = values;
            EnumMembers = enumMembers;
        }

        public List<OptionAssignment> Assignments { get; }

        /// <summary>The named arguments as written, by name.</summary>
        public Dictionary<string, AttributeArgumentSyntax> Arguments { get; }

        /// <summary>The named arguments' values that have no compile error, by name.</summary>
        public Dictionary<string, TypedConstant> Values { get; }

        /// <summary>For each enum option: the member name of its value (the default's when not set; null when undefined).</summary>
        public Dictionary<string, string?> EnumMembers { get; }

        public LocationInfo? ArgumentLocation(string name)
            => Arguments.TryGetValue(name, out var argument) ? LocationInfo.From(argument) : null;

        public string? StringValue(string name)
            => Values.TryGetValue(name, out var constant) ? constant.Value as string : null;

        public double NumberValue(string name, double fallback)
            => Values.TryGetValue(name, out var constant) && constant.Value is not null
                ? Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture)
                : fallback;
    }

    internal static class OptionsParser
    {
        public static ParsedOptions Parse(AttributeData attribute, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics)
        {
            var arguments = new Dictionary<string, AttributeArgumentSyntax>(StringComparer.Ordinal);
            if (syntax?.ArgumentList is { } list)
            {
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals is { } nameEquals)
                        arguments[nameEquals.Name.Identifier.ValueText] = argument;
                }
            }

            var values = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Value.Kind != TypedConstantKind.Error)
                    values[pair.Key] = pair.Value;
            }

            var assignments = new List<OptionAssignment>();
            var enumMembers = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var spec in OptionSpec.All)
            {
                var hasValue = values.TryGetValue(spec.Name, out var constant);
                string literal;
                if (spec.Kind == OptionKind.Enum)
                {
                    var enumType = AttributeSymbols.PropertyType(attribute, spec.Name);
                    var enumName = enumType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "global::Attune." + spec.Name;
                    var shortName = enumType?.Name ?? spec.Name;
                    string? member = spec.DefaultLiteral;
                    literal = enumName + "." + spec.DefaultLiteral;
                    if (hasValue && constant.Value is not null)
                    {
                        var number = Convert.ToInt64(constant.Value, CultureInfo.InvariantCulture);
                        var members = AttributeSymbols.EnumMembers(enumType);
                        member = members.Where(m => m.Value == number).Select(m => m.Name).FirstOrDefault();
                        if (member is null)
                        {
                            literal = "(" + enumName + ")(" + Literals.Integer(number) + ")";
                            var expected = "one of " + string.Join(", ", members.Select(m => shortName + "." + m.Name));
                            diagnostics.Add(DiagnosticInfo.Create(
                                DiagnosticDescriptors.InvalidOption,
                                LocationFor(arguments, spec.Name, syntax),
                                spec.Name,
                                "(" + shortName + ")" + Literals.Integer(number) + ", which is not a defined " + shortName + " value",
                                expected,
                                shortName + "." + spec.DefaultLiteral));
                        }
                        else
                        {
                            literal = enumName + "." + member;
                        }
                    }
                    enumMembers[spec.Name] = member;
                }
                else if (!hasValue)
                {
                    literal = spec.DefaultLiteral;
                }
                else
                {
                    literal = Format(spec, constant.Value);
                    if (constant.Value is not null && spec.Kind is OptionKind.Int or OptionKind.Long or OptionKind.Double)
                    {
                        var number = Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture);
                        if (!spec.IsValid(number))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(
                                DiagnosticDescriptors.InvalidOption,
                                LocationFor(arguments, spec.Name, syntax),
                                spec.Name,
                                Display(literal),
                                spec.Expected ?? "valid",
                                spec.DefaultLiteral));
                        }
                    }
                }

                assignments.Add(new OptionAssignment(spec.Name, literal));
            }

            return new ParsedOptions(assignments, arguments, values, enumMembers);
        }

        private static LocationInfo? LocationFor(Dictionary<string, AttributeArgumentSyntax> arguments, string name, AttributeSyntax? syntax)
            => arguments.TryGetValue(name, out var argument) ? LocationInfo.From(argument) : LocationInfo.From(syntax);

        private static string Display(string literal)
            => literal.StartsWith("global::System.Double.", StringComparison.Ordinal)
                ? "double." + literal.Substring("global::System.Double.".Length)
                : literal;

        private static string Format(OptionSpec spec, object? value)
        {
            switch (spec.Kind)
            {
                case OptionKind.Int:
                case OptionKind.Long:
                    return value is null ? spec.DefaultLiteral : Literals.Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                case OptionKind.Double:
                    return value is null ? spec.DefaultLiteral : Literals.Double(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case OptionKind.Bool:
                    return value is bool flag ? Literals.Boolean(flag) : spec.DefaultLiteral;
                default:
                    return Literals.String(value as string);
            }
        }
    }
}
