using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>What <c>[FineTune]</c> says, read once: the options that differ from the defaults (the emitted
    /// initializer), and the arguments the cross-option checks need.</summary>
    internal sealed class ParsedOptions
    {
        public ParsedOptions(List<OptionAssignment> assignments, AttributeArguments arguments, Dictionary<string, string?> enumMembers)
        {
            Assignments = assignments;
            Arguments = arguments;
            EnumMembers = enumMembers;
        }

        /// <summary>The options whose value is not the default, in <c>FineTuneOptions</c>' order.</summary>
        public List<OptionAssignment> Assignments { get; }

        public AttributeArguments Arguments { get; }

        /// <summary>For each enum option: the member name of its value (the default's when not set; null when undefined).</summary>
        public Dictionary<string, string?> EnumMembers { get; }

        /// <summary>The value of a number option, or its default when it is not given.</summary>
        public double Number(string name) => Arguments.Number(name, OptionSpec.Named(name).DefaultNumber);
    }

    /// <summary>Reads and checks <c>[FineTune]</c>'s options (AT0003) against <see cref="OptionSpec.All"/>.</summary>
    internal static class OptionsParser
    {
        public static ParsedOptions Parse(AttributeData attribute, AttributeSyntax? syntax, DiagnosticBag diagnostics)
        {
            var arguments = AttributeArguments.Read(attribute, syntax);
            var assignments = new List<OptionAssignment>();
            var enumMembers = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var spec in OptionSpec.All)
            {
                var hasValue = arguments.TryGetValue(spec.Name, out var constant) && constant.Value is not null;
                string literal;
                if (spec.Kind == OptionKind.Enum)
                {
                    var value = arguments.Enum(spec.Name, spec.DefaultLiteral);
                    literal = value.Literal;
                    enumMembers[spec.Name] = value.Member;
                    if (value.Member is null)
                    {
                        diagnostics.Add(
                            DiagnosticDescriptors.InvalidOption,
                            arguments.ArgumentLocation(spec.Name),
                            spec.Name,
                            value.UndefinedDisplay + ", which is not a defined " + value.TypeName + " value",
                            "one of " + string.Join(", ", value.Defined),
                            value.TypeName + "." + spec.DefaultLiteral);
                    }
                    if (value.Member == spec.DefaultLiteral)
                        continue;
                }
                else if (!hasValue)
                {
                    continue; // the runtime's default, which OptionDefaultsTests proves is the attribute's
                }
                else
                {
                    literal = Format(spec, constant.Value);
                    if (spec.Kind is OptionKind.Int or OptionKind.Long or OptionKind.Double
                        && !spec.IsValid(Convert.ToDouble(constant.Value, CultureInfo.InvariantCulture)))
                    {
                        diagnostics.Add(
                            DiagnosticDescriptors.InvalidOption,
                            arguments.ArgumentLocation(spec.Name),
                            spec.Name,
                            Literals.Display(literal),
                            spec.Expected ?? "valid",
                            spec.DefaultLiteral);
                    }
                    if (literal == spec.DefaultLiteral)
                        continue;
                }
                assignments.Add(new OptionAssignment(spec.Name, literal));
            }
            return new ParsedOptions(assignments, arguments, enumMembers);
        }

        private static string Format(OptionSpec spec, object? value)
            => spec.Kind switch
            {
                OptionKind.Int or OptionKind.Long => Literals.Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                OptionKind.Double => Literals.Double(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                OptionKind.Bool => value is bool flag ? Literals.Boolean(flag) : spec.DefaultLiteral,
                _ => Literals.String(value as string),
            };
    }
}
