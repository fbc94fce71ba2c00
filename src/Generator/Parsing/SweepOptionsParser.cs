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
    /// <summary>What <c>[TuneSpace]</c> says: the <c>SweepOptions</c> initializer and what the cross-checks need.</summary>
    internal sealed class ParsedSweepOptions
    {
        public ParsedSweepOptions(List<OptionAssignment> assignments, Dictionary<string, AttributeArgumentSyntax> arguments, LocationInfo? attributeLocation, string? sampler)
        {
            Assignments = assignments;
            Arguments = arguments;
            AttributeLocation = attributeLocation;
            Sampler = sampler;
        }

        public List<OptionAssignment> Assignments { get; }

        public Dictionary<string, AttributeArgumentSyntax> Arguments { get; }

        public LocationInfo? AttributeLocation { get; }

        /// <summary>The Sampler member's name, or null when undefined.</summary>
        public string? Sampler { get; }

        public LocationInfo? ArgumentLocation(string name)
            => Arguments.TryGetValue(name, out var argument) ? LocationInfo.From(argument) : AttributeLocation;
    }

    /// <summary>
    /// Reads <c>[TuneSpace]</c>'s named arguments into a <c>SweepOptions</c> initializer (every option written out, so the
    /// generated defaults do not depend on the runtime's) and checks each: AT0112, and AT0113 for the direction.
    /// </summary>
    internal static class SweepOptionsParser
    {
        public static ParsedSweepOptions Parse(AttributeData attribute, AttributeSyntax? syntax, string typeName, string spaceName, List<DiagnosticInfo> diagnostics)
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
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Value.Kind != TypedConstantKind.Error)
                    values[pair.Key] = pair.Value.Value;
            }

            var parsed = new ParsedSweepOptions(new List<OptionAssignment>(), arguments, LocationInfo.From(syntax), null);
            var assignments = parsed.Assignments;

            void Invalid(string name, string found, string expected, string fallback)
                => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSweepOption, parsed.ArgumentLocation(name), name, found, expected, fallback));

            var trials = Integer(values, "Trials", 20);
            if (trials <= 0)
                Invalid("Trials", Literals.Integer(trials), "at least 1", "20");
            assignments.Add(new OptionAssignment("Trials", Literals.Integer(trials)));

            var timeout = values.TryGetValue("TimeoutSeconds", out var rawTimeout) && rawTimeout is not null ? Convert.ToDouble(rawTimeout, CultureInfo.InvariantCulture) : 0;
            if (double.IsNaN(timeout) || double.IsInfinity(timeout) || timeout < 0)
                Invalid("TimeoutSeconds", Literals.Double(timeout).Replace("global::System.Double.", "double."), "a finite number of seconds of at least 0 (0 means no limit)", "0");
            assignments.Add(new OptionAssignment("Timeout", timeout > 0 && !double.IsInfinity(timeout)
                ? "global::System.TimeSpan.FromSeconds(" + Literals.Double(timeout) + ")"
                : "null"));

            var direction = EnumOption(attribute, values, "Direction", 0, out var directionLiteral, out var directionMember);
            if (directionMember is null || directionMember == "Auto")
            {
                var found = directionMember == "Auto"
                    ? (arguments.ContainsKey("Direction") ? "Direction.Auto" : "Direction.Auto (the default)")
                    : "(Direction)" + Literals.Integer(direction) + ", not a defined Direction value";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SweepDirectionRequired, parsed.ArgumentLocation("Direction"), typeName, found));
            }
            assignments.Add(new OptionAssignment("Direction", directionLiteral));

            foreach (var (name, fallback) in new[] { ("Sampler", "Tpe"), ("Pruner", "None") })
            {
                var number = EnumOption(attribute, values, name, -1, out var literal, out var member);
                if (member is null)
                {
                    var defined = string.Join(", ", AttributeSymbols.EnumMembers(AttributeSymbols.PropertyType(attribute, name)).Select(m => name + "." + m.Name));
                    Invalid(name, "(" + name + ")" + Literals.Integer(number) + ", not a defined " + name + " value", "one of " + defined, name + "." + fallback);
                }
                if (name == "Sampler")
                    parsed = new ParsedSweepOptions(assignments, arguments, parsed.AttributeLocation, member);
                assignments.Add(new OptionAssignment(name, literal));
            }

            var minResource = Integer(values, "PrunerMinResource", 1);
            if (minResource < 1)
                Invalid("PrunerMinResource", Literals.Integer(minResource), "at least 1 (the step of the pruner's first decision)", "1");
            assignments.Add(new OptionAssignment("PrunerMinResource", Literals.Integer(minResource)));

            var reduction = Integer(values, "PrunerReductionFactor", 3);
            if (reduction < 2)
                Invalid("PrunerReductionFactor", Literals.Integer(reduction), "at least 2 (ASHA keeps the top 1/η at each rung)", "3");
            assignments.Add(new OptionAssignment("PrunerReductionFactor", Literals.Integer(reduction)));

            var seed = Integer(values, "Seed", 42);
            if (seed < -1)
                Invalid("Seed", Literals.Integer(seed), "-1 (unseeded) or at least 0", "42");
            assignments.Add(new OptionAssignment("Seed", Literals.Integer(seed)));

            var workers = Integer(values, "Workers", 1);
            if (workers <= 0)
                Invalid("Workers", Literals.Integer(workers), "at least 1", "1");
            assignments.Add(new OptionAssignment("Workers", Literals.Integer(workers)));

            var studyName = values.TryGetValue("StudyName", out var rawStudy) ? rawStudy as string : null;
            if (studyName is not null && studyName.Trim().Length == 0)
                Invalid("StudyName", Literals.String(studyName), "a non-empty name", "the type's full name, \"" + spaceName + "\"");
            assignments.Add(new OptionAssignment("StudyName", Literals.String(studyName ?? spaceName)));

            var storage = values.TryGetValue("Storage", out var rawStorage) ? rawStorage as string : null;
            if (storage is not null && storage.Trim().Length == 0)
                Invalid("Storage", Literals.String(storage), "a SQLite file path, \":memory:\" or a connection string", "attune-studies.db");
            assignments.Add(new OptionAssignment("Storage", Literals.String(storage)));

            var maxFailed = Integer(values, "MaxFailedTrials", 10);
            if (maxFailed < -1)
                Invalid("MaxFailedTrials", Literals.Integer(maxFailed), "-1 (no limit) or at least 0", "10");
            assignments.Add(new OptionAssignment("MaxFailedTrials", Literals.Integer(maxFailed)));

            var retry = values.TryGetValue("RetryAbandoned", out var rawRetry) && rawRetry is true;
            assignments.Add(new OptionAssignment("RetryAbandoned", retry ? "true" : "false"));

            var ahead = EnumOption(attribute, values, "CreateAhead", 0, out var aheadLiteral, out var aheadMember);
            if (aheadMember is null)
            {
                var defined = string.Join(", ", AttributeSymbols.EnumMembers(AttributeSymbols.PropertyType(attribute, "CreateAhead")).Select(m => "CreateAhead." + m.Name));
                Invalid("CreateAhead", "(CreateAhead)" + Literals.Integer(ahead) + ", not a defined CreateAhead value", "one of " + defined, "CreateAhead.Auto");
            }
            assignments.Add(new OptionAssignment("CreateAhead", aheadLiteral));

            return parsed;
        }

        private static long Integer(Dictionary<string, object?> values, string name, long fallback)
            => values.TryGetValue(name, out var raw) && raw is not null ? Convert.ToInt64(raw, CultureInfo.InvariantCulture) : fallback;

        /// <summary>An enum option's value, its literal and member name (null when undefined).</summary>
        private static long EnumOption(AttributeData attribute, Dictionary<string, object?> values, string name, long fallback, out string literal, out string? member)
        {
            var enumType = AttributeSymbols.PropertyType(attribute, name);
            var enumName = enumType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "global::Attune." + name;
            var members = AttributeSymbols.EnumMembers(enumType);
            long number;
            if (values.TryGetValue(name, out var raw) && raw is not null)
                number = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
            else
                number = fallback >= 0 ? fallback : (members.Count > 0 ? members[0].Value : 0);
            member = members.Where(m => m.Value == number).Select(m => m.Name).FirstOrDefault();
            literal = member is null ? "(" + enumName + ")(" + Literals.Integer(number) + ")" : enumName + "." + member;
            return number;
        }
    }
}
