using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.TuneSpace
{
    /// <summary>What <c>[TuneSpace]</c> says: the <c>SweepOptions</c> initializer and what the cross-checks need.</summary>
    internal sealed class ParsedSweepOptions
    {
        public ParsedSweepOptions(List<OptionAssignment> assignments, AttributeArguments arguments, string? sampler)
        {
            Assignments = assignments;
            Arguments = arguments;
            Sampler = sampler;
        }

        /// <summary>The options whose value is not the default (and the study name), in <c>SweepOptions</c>' order.</summary>
        public List<OptionAssignment> Assignments { get; }

        public AttributeArguments Arguments { get; }

        /// <summary>The Sampler member's name, or null when undefined.</summary>
        public string? Sampler { get; }
    }

    /// <summary>
    /// Reads <c>[TuneSpace]</c>'s named arguments against <see cref="SweepOptionSpec.All"/> into a <c>SweepOptions</c>
    /// initializer of the values that differ from the defaults, and checks each: AT0112, AT0113 for the direction, and
    /// AT0135 for pruner resources that contradict each other.
    /// </summary>
    internal static class SweepOptionsParser
    {
        public static ParsedSweepOptions Parse(AttributeData attribute, AttributeSyntax? syntax, string typeName, string spaceName, DiagnosticBag diagnostics)
        {
            var arguments = AttributeArguments.Read(attribute, syntax);
            var assignments = new List<OptionAssignment>();
            string? sampler = null;

            void Invalid(SweepOptionSpec spec, string found, string expected, string fallback)
                => diagnostics.Add(DiagnosticDescriptors.InvalidSweepOption, arguments.ArgumentLocation(spec.Name), spec.Name, found, expected, fallback);

            foreach (var spec in SweepOptionSpec.All)
            {
                switch (spec.Kind)
                {
                    case SweepOptionKind.Integer:
                        var number = arguments.Integer(spec.Name, spec.DefaultInteger);
                        if (number < spec.Minimum)
                            Invalid(spec, Literals.Integer(number), spec.Expected!, spec.Default);
                        if (number != spec.DefaultInteger)
                            assignments.Add(new OptionAssignment(spec.Property, Literals.Integer(number)));
                        break;

                    case SweepOptionKind.Seconds:
                        var seconds = arguments.Number(spec.Name, 0);
                        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
                            Invalid(spec, Literals.Display(Literals.Double(seconds)), spec.Expected!, spec.Default);
                        if (seconds > 0 && !double.IsInfinity(seconds)) // 0 (and an invalid value) is no limit: the runtime's null
                            assignments.Add(new OptionAssignment(spec.Property, "global::System.TimeSpan.FromSeconds(" + Literals.Double(seconds) + ")"));
                        break;

                    case SweepOptionKind.Enum:
                        var value = arguments.Enum(spec.Name, spec.Default);
                        if (spec.Name == "Direction")
                        {
                            if (value.Member is null or "Auto")
                            {
                                var found = value.Member is null
                                    ? value.UndefinedDisplay + ", not a defined Direction value"
                                    : arguments.Syntax(spec.Name) is null ? "Direction.Auto (the default)" : "Direction.Auto";
                                diagnostics.Add(DiagnosticDescriptors.SweepDirectionRequired, arguments.ArgumentLocation(spec.Name), typeName, found);
                            }
                        }
                        else if (value.Member is null)
                        {
                            Invalid(spec, value.UndefinedDisplay + ", not a defined " + value.TypeName + " value", "one of " + string.Join(", ", value.Defined), value.TypeName + "." + spec.Default);
                        }
                        if (spec.Name == "Sampler")
                            sampler = value.Member;
                        if (value.Member != spec.Default)
                            assignments.Add(new OptionAssignment(spec.Property, value.Literal));
                        break;

                    case SweepOptionKind.Name:
                        var studyName = arguments.String(spec.Name);
                        if (studyName is not null && studyName.Trim().Length == 0)
                            Invalid(spec, Literals.String(studyName), spec.Expected!, spec.Default + ", \"" + spaceName + "\"");
                        // Written even when not given, so DefaultSweepOptions.StudyName says which study a sweep opens.
                        assignments.Add(new OptionAssignment(spec.Property, Literals.String(studyName ?? spaceName)));
                        break;

                    case SweepOptionKind.Text:
                        var text = arguments.String(spec.Name);
                        if (text is not null && text.Trim().Length == 0)
                            Invalid(spec, Literals.String(text), spec.Expected!, spec.Default);
                        if (text is not null)
                            assignments.Add(new OptionAssignment(spec.Property, Literals.String(text)));
                        break;

                    case SweepOptionKind.Flag:
                        var flag = arguments.Raw(spec.Name) is true;
                        if (Literals.Boolean(flag) != spec.Default)
                            assignments.Add(new OptionAssignment(spec.Property, Literals.Boolean(flag)));
                        break;
                }
            }
            // AT0135: each bound is valid alone (AT0112) but together they leave Hyperband no rung below R.
            long minResource = arguments.Integer("PrunerMinResource", 1), maxResource = arguments.Integer("PrunerMaxResource", 0);
            if (maxResource > 0 && minResource >= 1 && maxResource <= minResource)
                diagnostics.Add(DiagnosticDescriptors.PrunerMaxResourceNotAboveMin, arguments.ArgumentLocation("PrunerMaxResource"),
                    Literals.Integer(maxResource), Literals.Integer(minResource));
            return new ParsedSweepOptions(assignments, arguments, sampler);
        }
    }
}
