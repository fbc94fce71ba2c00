using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// The generated <c>[TuneSpace]</c> files, checked against committed snapshots; each test also compiles the user's source
/// with the generated code (including code that uses it the way the design shows) and requires no warnings or errors.
/// </summary>
public sealed class TuneSpaceSnapshotTests
{
    private static void VerifyAndCompile(GeneratorRun run, [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Snapshot.Verify(run, testName);
    }

    /// <summary>The design's sweep, with a conditional momentum, driving the design's fine-tune.</summary>
    public const string DigitSweepSource = Usings + """
        namespace Samples
        {
            [TuneSpace(Trials = 40, Direction = Direction.Maximize, Sampler = Sampler.Tpe, Pruner = Pruner.Asha, TimeoutSeconds = 600)]
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
                public string Note { get; init; } = "fixed";
            }

            [FineTune(Epochs = 8, BatchSize = 32, LearningRate = 1e-3)]
            public partial class DigitClassifier : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Sequential backbone;
                [LearningRate(1e-2)] private readonly Linear head;

                public DigitClassifier(int classes, int hidden, double dropout) : base(nameof(DigitClassifier))
                {
                    backbone = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout));
                    head = nn.Linear(hidden, classes);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => head.forward(backbone.forward(input));
            }

            public static class Usage
            {
                public static double Best(IBatchSource train, IBatchSource validation)
                {
                    var sweep = DigitSweep.RunSweep(trial =>
                    {
                        var p = trial.Parameters;
                        var model = new DigitClassifier(5, p.Hidden, p.Dropout);
                        return model.RunFineTune(train, validation, trial).BestMetric;
                    });
                    SearchSpace space = DigitSweep.Space;
                    return sweep.Best.Value + (DigitSweep.IsFinite ? 0 : space.Parameters.Count);
                }
            }
        }
        """;

    [Fact]
    public void DigitSweep() => VerifyAndCompile(Run(DigitSweepSource));

    [Fact]
    public void StringAndBoolChoices()
    {
        var run = Run(Usings + """
            namespace Samples.Choices;

            public enum Activation { Relu, Gelu, Tanh, Silu }

            [TuneSpace(Direction = Direction.Minimize, Sampler = Sampler.Grid, Seed = -1, Workers = 2, StudyName = "choices \"v1\"", Storage = ":memory:", MaxFailedTrials = -1,
                Pruner = Pruner.Hyperband, PrunerMinResource = 2, PrunerMaxResource = 29)]
            public sealed partial class ChoiceSweep
            {
                [Choice("adam", "sgd", "rms\tprop")] public string Solver { get; set; } = "adam";
                public bool UseBias { get; set; }
                [ActiveWhen(nameof(UseBias), true)]
                [Choice(0.0, 0.5, 1e-3)] public double BiasInit { get; set; } = 0.25;
                [Choice(Activation.Gelu, Activation.Silu)] public Activation Activation { get; set; } = Activation.Gelu;
                [ActiveWhen(nameof(Solver), "sgd", "rms\tprop")]
                [IntRange(1, 1024, Log = true)] public long Width { get; set; } = 8;
                [Choice(1L, 2L)] public long Depth { get; private set; } = 1;
                [Choice(0.5f, 0.25f)] public float Scale { get; init; } = 0.5f;
                public bool Computed => UseBias;
            }

            public static class Usage
            {
                public static System.Threading.Tasks.Task<SweepResult<ChoiceSweep>> Go()
                    => ChoiceSweep.RunSweepAsync(async trial => { await System.Threading.Tasks.Task.Yield(); return trial.Parameters.Width; });
            }
            """);

        VerifyAndCompile(run);
        Assert.DoesNotContain("IFineTuneBinding", run.Sources.Single(s => s.HintName.EndsWith(".TuneSpace.g.cs", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Score types for sweeps with several objectives: a positional record (rebuilt by its constructor), a
    /// class with settable members (rebuilt by an object initializer) nested in a partial class, and a record struct
    /// with constraints only beside one objective; used by RunSweep and RunSweepAsync the way docs/multi-objective.md shows.</summary>
    [Fact]
    public void ObjectiveScores()
    {
        var run = Run(Usings + """
            namespace Samples.Scores;

            [ObjectiveScore]
            public partial record Score(
                [property: Objective(Direction.Maximize)] double Accuracy,
                [property: Objective(Direction.Minimize)] double LatencyMs,
                [property: Constraint] double MemoryOverBudgetMb);

            public static partial class Holder
            {
                [ObjectiveScore]
                public sealed partial class Measured
                {
                    [Objective(Direction.Minimize)] public double Loss { get; set; }
                    [Constraint] public double @Params { get; init; }
                    public string Note { get; set; } = "";
                }
            }

            [ObjectiveScore]
            public partial record struct Budgeted([property: Objective(Direction.Minimize)] double Error, [property: Constraint] double OverMs, [property: Constraint] double OverMb);

            [TuneSpace(Direction = Direction.Maximize, Sampler = Sampler.Nsga2)]
            public partial record ServeSweep
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                [IntRange(64, 1024, Step = 64)] public int Hidden { get; init; }
            }

            public static class Usage
            {
                public static int Front()
                {
                    SweepResult<ServeSweep, Score> sweep = ServeSweep.RunSweep(trial => new Score(trial.Parameters.LearningRate, trial.Parameters.Hidden, -1));
                    double best = sweep.ParetoFront[0].Score!.Accuracy;
                    SweepResult<ServeSweep> plain = ServeSweep.RunSweep(trial => trial.Parameters.LearningRate);
                    return (int)best + plain.Trials.Count;
                }

                public static System.Threading.Tasks.Task<SweepResult<ServeSweep, Holder.Measured>> Later()
                    => ServeSweep.RunSweepAsync(async trial => { await System.Threading.Tasks.Task.Yield(); return new Holder.Measured { Loss = trial.Parameters.Hidden, Params = 1 }; });

                public static SweepResult<ServeSweep, Budgeted> Struct() => ServeSweep.RunSweep(trial => new Budgeted(1, 0, 0));
            }
            """);

        VerifyAndCompile(run);
        Assert.Equal(3, run.Sources.Count(s => s.HintName.EndsWith(".ObjectiveScore.g.cs", StringComparison.Ordinal)));
    }

    /// <summary>A space derived from another extends it (the base's parameters first), and one derived from a plain
    /// record takes that record's tuned properties; the generated members hide the base space's with <c>new</c>.</summary>
    [Fact]
    public void DerivedSpaces()
    {
        var run = Run(Usings + """
            namespace Samples.Derived;

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record BaseSweep
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                public int Epochs { get; init; } = 3;
            }

            [TuneSpace(Direction = Direction.Maximize, Trials = 30)]
            public partial record WiderSweep : BaseSweep
            {
                [IntRange(32, 256, Step = 32)] public int Hidden { get; init; }
                public new int Epochs { get; init; } = 5;
            }

            public record Shared
            {
                [Uniform(0.0, 0.5)] public double Dropout { get; init; }
                [Choice(16, 32)] public int BatchSize { get; init; }
                private double Secret { get; init; }
            }

            [TuneSpace(Direction = Direction.Minimize)]
            public partial record FromPlain : Shared
            {
                public bool UseBias { get; init; }
            }

            public static class Usage
            {
                public static double Go()
                {
                    var wider = WiderSweep.Decode([0.01, 64]);
                    var options = wider.ApplyTo(new FineTuneOptions());
                    return WiderSweep.RunSweep(t => t.Parameters.LearningRate * t.Parameters.Hidden).Best.Value + options.Epochs
                        + FromPlain.Decode([0.1, 1, 0]).Dropout + BaseSweep.Space.Parameters.Count;
                }
            }
            """);

        VerifyAndCompile(run);
    }

    [Fact]
    public void TuneSpaceNestedGenericAndGlobal()
    {
        var run = Run(Usings + """
            [TuneSpace(Direction = Direction.Minimize)]
            public partial record GlobalSweep
            {
                [Uniform(-1, 1)] public double @double { get; init; }
                public double WeightDecay { get; init; } = 0.01;
            }

            namespace Samples.Nested
            {
                public static partial class Spaces<TTag>
                {
                    internal partial record struct Holder
                    {
                        [TuneSpace(Direction = Direction.Maximize, Trials = 3)]
                        public partial record Tagged<TItem> where TItem : class
                        {
                            [IntRange(0, 10, Step = 5)] public int Level { get; init; }
                            public Pruner Pruner { get; init; }
                        }
                    }
                }
            }
            """);

        VerifyAndCompile(run);
    }
}
