using System.Reflection;
using Attune.Generator.Tests.Infrastructure;
using Attune.Search;
using Attune.FineTuning;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// Runs the generated code: the user's source and the generated space are compiled to an in-memory assembly (the real
/// Attune runtime referenced), loaded, and <c>Decode</c>/<c>Encode</c>/<c>ApplyTo</c>/<c>Space</c> are called through
/// reflection. Covers round trips, inactive conditional parameters, rounding, bad input and the space's fingerprint.
/// </summary>
public sealed class TuneSpaceExecutionTests
{
    private const string SweepSource = Usings + """
        namespace Samples
        {
            [TuneSpace(Trials = 40, Direction = Direction.Maximize)]
            public partial record DigitSweep
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                [Choice(16, 32, 64)] public int BatchSize { get; init; }
                [IntRange(32, 256, Step = 32)] public int Hidden { get; init; }
                [Uniform(0.0, 0.5)] public double Dropout { get; init; }
                public OptimizerKind Optimizer { get; init; }
                [ActiveWhen(nameof(Optimizer), OptimizerKind.Sgd)]
                [Uniform(0.5, 0.99)] public double Momentum { get; init; } = 0.9;
                public int Epochs { get; init; } = 5;
            }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record WiderDigitSweep : DigitSweep
            {
                [Uniform(0.0, 1.0)] public double Mix { get; init; }
            }

            public enum Activation { Relu, Gelu, Tanh }

            [TuneSpace(Direction = Direction.Minimize, RetryAbandoned = true, CreateAhead = CreateAhead.Always)]
            public sealed partial class ChoiceSweep
            {
                [Choice("adam", "sgd", "rms")] public string Solver { get; set; } = "adam";
                public bool UseBias { get; set; }
                [ActiveWhen(nameof(UseBias), true)] [Choice(0.0, 0.5)] public double BiasInit { get; set; } = 0.25;
                public Activation Activation { get; set; }
                [ActiveWhen(nameof(Solver), "sgd", "rms")] [IntRange(1, 1024, Log = true)] public long Width { get; set; } = 8;
                [Uniform(0.1f, 0.9f)] public float Scale { get; init; } = 0.5f;
            }
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => Compile(SweepSource));

    private static Assembly Compile(string source)
    {
        var run = Run(source);
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        using var stream = new MemoryStream();
        var result = run.Output.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }

    private static Type Sweep(string name = "Samples.DigitSweep") => Compiled.Value.GetType(name, throwOnError: true)!;

    private static object Decode(Type type, params double[] values)
    {
        try
        {
            return type.GetMethod("Decode", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { values })!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    private static double[] Encode(object instance)
    {
        try
        {
            return (double[])instance.GetType().GetMethod("Encode")!.Invoke(instance, null)!;
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    private static object? Get(object instance, string property) => instance.GetType().GetProperty(property)!.GetValue(instance);

    private static SearchSpace Space(Type type) => (SearchSpace)type.GetProperty("Space", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    [Fact]
    public void A_derived_space_extends_its_base_and_round_trips_the_inherited_properties()
    {
        var derived = Sweep("Samples.WiderDigitSweep");
        Assert.Equal(new[] { "LearningRate", "BatchSize", "Hidden", "Dropout", "Optimizer", "Momentum", "Mix" }, Space(derived).Parameters.Select(p => p.Name));
        Assert.Equal("Samples.WiderDigitSweep", Space(derived).Name);
        var values = new[] { 0.01, 2, 96, 0.25, 2, 0.7, 0.4 };
        var sweep = Decode(derived, values);
        Assert.Equal(derived, sweep.GetType());
        Assert.Equal((0.01, 96, OptimizerKind.Sgd, 0.7, 0.4), ((double)Get(sweep, "LearningRate")!, (int)Get(sweep, "Hidden")!, (OptimizerKind)Get(sweep, "Optimizer")!, (double)Get(sweep, "Momentum")!, (double)Get(sweep, "Mix")!));
        Assert.Equal(values, Encode(sweep));
        Assert.Equal(6, Space(Sweep()).Parameters.Count);                 // the base space is unchanged
    }

    [Fact]
    public void DecodeThenEncodeRoundTripsAnActiveConditional()
    {
        var values = new[] { 0.01, 2, 96, 0.25, 2, 0.7 };
        var sweep = Decode(Sweep(), values);

        Assert.Equal(0.01, Get(sweep, "LearningRate"));
        Assert.Equal(64, Get(sweep, "BatchSize"));
        Assert.Equal(96, Get(sweep, "Hidden"));
        Assert.Equal(OptimizerKind.Sgd, Get(sweep, "Optimizer"));
        Assert.Equal(0.7, Get(sweep, "Momentum"));
        Assert.Equal(5, Get(sweep, "Epochs")); // fixed: keeps its initializer
        Assert.Equal(values, Encode(sweep));
    }

    [Fact]
    public void InactiveConditionalKeepsItsInitializerAndEncodesAsNaN()
    {
        var sweep = Decode(Sweep(), 0.001, 0, 32, 0.0, 0, double.NaN);

        Assert.Equal(OptimizerKind.AdamW, Get(sweep, "Optimizer"));
        Assert.Equal(0.9, Get(sweep, "Momentum"));
        var encoded = Encode(sweep);
        Assert.True(double.IsNaN(encoded[5]));
        Assert.False(Space(Sweep()).IsActive(5, encoded));
        Assert.Equal(sweep, Decode(Sweep(), encoded)); // records compare by value
    }

    [Fact]
    public void IntegersAreRoundedAndBadValuesAreReported()
    {
        var sweep = Decode(Sweep(), 0.01, 1.2, 95.6, 0.1, 1, double.NaN);
        Assert.Equal(96, Get(sweep, "Hidden"));
        Assert.Equal(32, Get(sweep, "BatchSize"));

        var length = Assert.Throws<ArgumentException>(() => Decode(Sweep(), 0.01, 1, 96));
        Assert.Contains("expects 6 values (LearningRate, BatchSize, Hidden, Dropout, Optimizer, Momentum), but 3 were given", length.Message, StringComparison.Ordinal);
        var index = Assert.Throws<ArgumentException>(() => Decode(Sweep(), 0.01, 3, 96, 0.1, 0, double.NaN));
        Assert.Contains("values[1] (BatchSize) is 3; expected a choice index from 0 to 2", index.Message, StringComparison.Ordinal);
        var nan = Assert.Throws<ArgumentException>(() => Decode(Sweep(), double.NaN, 1, 96, 0.1, 0, double.NaN));
        Assert.Contains("values[0] (LearningRate) is NaN; expected a finite number", nan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRejectsAValueThatIsNotAChoice()
    {
        var sweep = Decode(Sweep(), 0.01, 1, 96, 0.1, 0, double.NaN);
        sweep.GetType().GetProperty("BatchSize")!.SetValue(sweep, 17); // init-only, but settable by reflection
        var error = Assert.Throws<InvalidOperationException>(() => Encode(sweep));
        Assert.Contains("BatchSize is 17, which is not one of its choices (16, 32, 64)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassSpaceWithStringBoolEnumAndLogIntRoundTrips()
    {
        var type = Sweep("Samples.ChoiceSweep");
        var active = Decode(type, 1, 1, 1, 2, 300.2, 0.4);
        Assert.Equal("sgd", Get(active, "Solver"));
        Assert.Equal(true, Get(active, "UseBias"));
        Assert.Equal(0.5, Get(active, "BiasInit"));
        Assert.Equal("Tanh", Get(active, "Activation")!.ToString());
        Assert.Equal(300L, Get(active, "Width"));
        Assert.Equal(0.4f, Get(active, "Scale"));
        Assert.Equal(new[] { 1, 1, 1, 2, 300, (double)0.4f }, Encode(active));

        var inactive = Decode(type, 0, 0, double.NaN, 0, double.NaN, 0.5);
        Assert.Equal(0.25, Get(inactive, "BiasInit"));
        Assert.Equal(8L, Get(inactive, "Width"));
        var encoded = Encode(inactive);
        Assert.True(double.IsNaN(encoded[2]) && double.IsNaN(encoded[4]));

        var space = Space(type);
        Assert.Equal("Samples.ChoiceSweep", space.Name);
        Assert.Equal(new[] { "false", "true" }, space.Parameters[1].Choices);
        Assert.Equal(new[] { "Relu", "Gelu", "Tanh" }, space.Parameters[3].Choices);
        Assert.False(space.IsFinite);
    }

    [Fact]
    public void ApplyToBindsMatchingPropertiesOntoFineTuneOptions()
    {
        var sweep = Decode(Sweep(), 0.02, 0, 64, 0.1, 2, 0.8);
        var binding = Assert.IsAssignableFrom<IFineTuneBinding>(sweep);
        var options = binding.ApplyTo(new FineTuneOptions { WeightDecay = 0.1 });
        Assert.Equal(0.02, options.LearningRate);
        Assert.Equal(16, options.BatchSize);
        Assert.Equal(OptimizerKind.Sgd, options.Optimizer);
        Assert.Equal(0.8, options.Momentum);
        Assert.Equal(5, options.Epochs);
        Assert.Equal(0.1, options.WeightDecay); // not in the space: untouched
    }

    [Fact]
    public void DefaultSweepOptionsAndSpaceTable()
    {
        var options = (SweepOptions)Sweep().GetProperty("DefaultSweepOptions", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal(40, options.Trials);
        Assert.Equal(Direction.Maximize, options.Direction);
        Assert.Null(options.Timeout);
        Assert.Equal("Samples.DigitSweep", options.StudyName);
        Assert.Equal((false, CreateAhead.Auto), (options.RetryAbandoned, options.CreateAhead));
        Assert.Empty(options.Validate());
        var choices = (SweepOptions)Sweep("Samples.ChoiceSweep").GetProperty("DefaultSweepOptions", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal((true, CreateAhead.Always), (choices.RetryAbandoned, choices.CreateAhead));

        var space = Space(Sweep());
        Assert.Equal(new[] { "LearningRate", "BatchSize", "Hidden", "Dropout", "Optimizer", "Momentum" }, space.Parameters.Select(p => p.Name));
        Assert.Equal("Momentum: uniform [0.5, 0.99] when Optimizer in {2}", space.Parameters[5].Describe());
        Assert.Equal("Hidden: int [32, 256] step 32", space.Parameters[2].Describe());
    }

    [Fact]
    public void FingerprintChangesWithTheRangeAndNothingElse()
    {
        static string Fingerprint(string source)
            => Space(Compile(source).GetType("Samples.DigitSweep", throwOnError: true)!).Fingerprint;

        var original = Fingerprint(SweepSource);
        Assert.Equal(original, Space(Sweep()).Fingerprint);

        // Not the space: options, fixed properties, initializers, comments, other types.
        var unrelated = SweepSource
            .Replace("Trials = 40", "Trials = 7, Seed = 3", StringComparison.Ordinal)
            .Replace("public int Epochs { get; init; } = 5;", "public int Epochs { get; init; } = 9; // more\n        public string Note { get; init; } = \"x\";", StringComparison.Ordinal)
            .Replace("= 0.9;", "= 0.8;", StringComparison.Ordinal);
        Assert.Equal(original, Fingerprint(unrelated));

        // The space: a range, a step, a choice.
        Assert.NotEqual(original, Fingerprint(SweepSource.Replace("[Uniform(0.0, 0.5)]", "[Uniform(0.0, 0.6)]", StringComparison.Ordinal)));
        Assert.NotEqual(original, Fingerprint(SweepSource.Replace("Step = 32", "Step = 16", StringComparison.Ordinal)));
        Assert.NotEqual(original, Fingerprint(SweepSource.Replace("[Choice(16, 32, 64)]", "[Choice(16, 32, 128)]", StringComparison.Ordinal)));
    }
}
