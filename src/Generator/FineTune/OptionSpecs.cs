using System;
using System.Collections.Generic;

namespace Attune.Generator.FineTune
{
    internal enum OptionKind
    {
        Int,
        Long,
        Double,
        Bool,
        String,
        Enum,
    }

    /// <summary>
    /// One property shared by <c>[FineTune]</c> and <c>FineTuneOptions</c>: its kind, its default (as a C# literal) and
    /// the rule that the build checks. Kept in <c>FineTuneOptions</c>' declaration order, which is the order of the
    /// emitted initializer. The generated code writes only values that differ from these defaults, so they must be the
    /// attribute's and the runtime's too: OptionDefaultsTests checks all three agree.
    /// </summary>
    internal sealed class OptionSpec
    {
        private readonly Func<double, bool>? _isValid;

        private OptionSpec(string name, OptionKind kind, string defaultLiteral, string? expected, Func<double, bool>? isValid)
        {
            Name = name;
            Kind = kind;
            DefaultLiteral = defaultLiteral;
            Expected = expected;
            _isValid = isValid;
        }

        public string Name { get; }
        public OptionKind Kind { get; }

        /// <summary>The attribute's default value as a C# literal (enum members by their simple name).</summary>
        public string DefaultLiteral { get; }

        /// <summary>What a valid value looks like, for messages; null when every value is valid.</summary>
        public string? Expected { get; }

        public bool IsValid(double value) => _isValid is null || _isValid(value);

        /// <summary>The default of a number option, for checks that need the effective value.</summary>
        public double DefaultNumber => double.Parse(DefaultLiteral, System.Globalization.CultureInfo.InvariantCulture);

        public static OptionSpec Named(string name)
        {
            foreach (var spec in All)
            {
                if (spec.Name == name)
                    return spec;
            }
            throw new ArgumentException("No [FineTune] option is named " + name + ".", nameof(name));
        }

        /// <summary>The options of <c>FineTuneOptions</c>, in its order.</summary>
        public static readonly IReadOnlyList<OptionSpec> All = new[]
        {
            Number("Epochs", OptionKind.Int, "10", "an integer of at least 1", v => v >= 1),
            Number("BatchSize", OptionKind.Int, "32", "an integer of at least 1", v => v >= 1),
            Number("LearningRate", OptionKind.Double, "0.001", "a finite number greater than 0", v => v > 0 && IsFinite(v)),
            Number("WeightDecay", OptionKind.Double, "0", "a finite number of at least 0", v => v >= 0 && IsFinite(v)),
            Enum("Optimizer", "AdamW"),
            Number("Momentum", OptionKind.Double, "0.9", "a number in [0, 1)", v => v >= 0 && v < 1),
            Enum("Schedule", "Constant"),
            Number("WarmupSteps", OptionKind.Int, "0", "an integer of at least 0", v => v >= 0),
            Number("WarmupRatio", OptionKind.Double, "0", "a number in [0, 1)", v => v >= 0 && v < 1),
            Enum("Loss", "CrossEntropy"),
            Enum("Metric", "Accuracy"),
            Enum("MetricDirection", "Auto"),
            Number("Patience", OptionKind.Int, "0", "an integer of at least 0", v => v >= 0),
            Number("MinDelta", OptionKind.Double, "0", "a finite number of at least 0", v => v >= 0 && IsFinite(v)),
            Number("MaxGradNorm", OptionKind.Double, "0", "a finite number of at least 0 (0 turns clipping off)", v => v >= 0 && IsFinite(v)),
            Number("Seed", OptionKind.Long, "42", "-1 (unseeded) or an integer of at least 0", v => v >= -1),
            new OptionSpec("Shuffle", OptionKind.Bool, "true", null, null),
            new OptionSpec("CheckpointDirectory", OptionKind.String, "null", null, null),
            new OptionSpec("Resume", OptionKind.Bool, "false", null, null),
            Number("AccumulationSteps", OptionKind.Int, "1", "an integer of at least 1 (1 turns accumulation off)", v => v >= 1),
            Number("MaxNonFiniteSteps", OptionKind.Int, "5", "an integer of at least 1 (1 stops at the first non-finite step)", v => v >= 1),
            new OptionSpec("TensorBoardDirectory", OptionKind.String, "null", null, null),
        };

        public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        private static OptionSpec Number(string name, OptionKind kind, string defaultLiteral, string expected, Func<double, bool> isValid)
            => new OptionSpec(name, kind, defaultLiteral, expected, isValid);

        private static OptionSpec Enum(string name, string defaultMember)
            => new OptionSpec(name, OptionKind.Enum, defaultMember, null, null);
    }
}
