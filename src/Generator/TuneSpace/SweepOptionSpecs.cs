using System.Collections.Generic;
using System.Globalization;

namespace Attune.Generator.TuneSpace
{
    internal enum SweepOptionKind
    {
        /// <summary>An integer with a lower bound.</summary>
        Integer,
        /// <summary><c>TimeoutSeconds</c>: a number of seconds, written to <c>SweepOptions.Timeout</c> as a TimeSpan.</summary>
        Seconds,
        Enum,
        /// <summary><c>StudyName</c>: null means the space's full name, which the generated code always writes.</summary>
        Name,
        /// <summary>A string that may be null but not blank.</summary>
        Text,
        Flag,
    }

    /// <summary>
    /// One <c>[TuneSpace]</c> option: its name on the attribute and on <c>SweepOptions</c>, its default and its rule. This
    /// table is the generator's only copy of the sweep defaults; the generated code writes only values that differ from
    /// them, so they must be the attribute's and the runtime's too (OptionDefaultsTests checks all three agree).
    /// </summary>
    internal sealed class SweepOptionSpec
    {
        private SweepOptionSpec(string name, string property, SweepOptionKind kind, string @default, long minimum, string? expected)
        {
            Name = name;
            Property = property;
            Kind = kind;
            Default = @default;
            Minimum = minimum;
            Expected = expected;
        }

        /// <summary>The attribute's property.</summary>
        public string Name { get; }

        /// <summary>The <c>SweepOptions</c> property it sets.</summary>
        public string Property { get; }

        public SweepOptionKind Kind { get; }

        /// <summary>The default as text: an integer, a number of seconds, an enum member, <c>true</c>/<c>false</c>, or
        /// for strings how messages name the default.</summary>
        public string Default { get; }

        /// <summary>The least valid value of an integer option.</summary>
        public long Minimum { get; }

        /// <summary>What a valid value looks like, for AT0112.</summary>
        public string? Expected { get; }

        public long DefaultInteger => long.Parse(Default, CultureInfo.InvariantCulture);

        /// <summary>The options in <c>SweepOptions</c>' order, which is the order of the emitted initializer.</summary>
        public static readonly IReadOnlyList<SweepOptionSpec> All = new[]
        {
            Integer("Trials", 20, 1, "at least 1"),
            new SweepOptionSpec("TimeoutSeconds", "Timeout", SweepOptionKind.Seconds, "0", 0, "a finite number of seconds of at least 0 (0 means no limit)"),
            Enum("Direction", "Auto"),
            Enum("Sampler", "Tpe"),
            Enum("Pruner", "None"),
            Integer("PrunerMinResource", 1, 1, "at least 1 (the step of the pruner's first decision)"),
            Integer("PrunerReductionFactor", 3, 2, "at least 2 (ASHA keeps the top 1/η at each rung)"),
            Integer("PrunerMaxResource", 0, 0, "0 (auto: the largest step a completed trial reported) or a step above PrunerMinResource"),
            Integer("Seed", 42, -1, "-1 (unseeded) or at least 0"),
            Integer("Workers", 1, 1, "at least 1"),
            new SweepOptionSpec("StudyName", "StudyName", SweepOptionKind.Name, "the type's full name", 0, "a non-empty name"),
            new SweepOptionSpec("Storage", "Storage", SweepOptionKind.Text, "attune-studies.db", 0, "a SQLite file path, \":memory:\" or a connection string"),
            Integer("MaxFailedTrials", 10, -1, "-1 (no limit) or at least 0"),
            new SweepOptionSpec("RetryAbandoned", "RetryAbandoned", SweepOptionKind.Flag, "false", 0, null),
            Enum("CreateAhead", "Auto"),
        };

        private static SweepOptionSpec Integer(string name, long @default, long minimum, string expected)
            => new SweepOptionSpec(name, name, SweepOptionKind.Integer, @default.ToString(CultureInfo.InvariantCulture), minimum, expected);

        private static SweepOptionSpec Enum(string name, string defaultMember)
            => new SweepOptionSpec(name, name, SweepOptionKind.Enum, defaultMember, 0, null);
    }
}
