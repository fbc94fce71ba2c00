using Microsoft.CodeAnalysis;
using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.DiagnosticTests;

namespace Attune.Generator.Tests;

/// <summary>
/// Every <c>[TuneSpace]</c> diagnostic with its exact span (<c>{|ID:text|}</c> markup; no more, no fewer), and what the
/// generator still emits around it.
/// </summary>
public sealed class TuneSpaceDiagnosticTests
{
    private static bool Generated(GeneratorRun run, string typeName)
        => run.Sources.Any(s => s.HintName.EndsWith(typeName + ".TuneSpace.g.cs", StringComparison.Ordinal));

    private static string Source(GeneratorRun run, string typeName)
        => run.Sources.Single(s => s.HintName.EndsWith(typeName + ".TuneSpace.g.cs", StringComparison.Ordinal)).SourceText.ToString();

    [Fact]
    public void AT0101_TypeOrContainingTypeNotPartial()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public record {|AT0101:NotPartial|} { [Uniform(0, 1)] public double X { get; init; } }

            public class Outer
            {
                [TuneSpace(Direction = Direction.Maximize)]
                public partial record {|AT0101:Inner|} { [Uniform(0, 1)] public double X { get; init; } }
            }
            """);
        Assert.False(Generated(run, "NotPartial"));
        Assert.False(Generated(run, "Inner"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("but 'Outer' is not partial", StringComparison.Ordinal));
    }

    [Fact]
    public void AT0102_NotACreatableRecordOrClass()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial struct {|AT0102:Point|} { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record struct {|AT0102:PointRecord|} { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public abstract partial record {|AT0102:Abstract|} { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record {|AT0102:Positional|}([property: Uniform(0, 1)] double X);
            """);
        Assert.DoesNotContain(run.Sources, s => s.HintName.EndsWith(".TuneSpace.g.cs", StringComparison.Ordinal));
        Assert.Contains("positional record", string.Join("|", run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0103_EmptyOrNonFiniteRange()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [{|AT0103:Uniform(1, 0)|}] public double A { get; init; }
                [{|AT0103:LogUniform(0.1, 0.1)|}] public double B { get; init; }
                [{|AT0103:IntRange(5, 5)|}] public int C { get; init; }
                [{|AT0103:Uniform(0, double.PositiveInfinity)|}] public double D { get; init; }
                [Uniform(0, 1)] public double Ok { get; init; }
            }
            """);
        // The broken parameters are left out; the rest is still generated.
        Assert.Contains("\"Ok\"", Source(run, "Space"), StringComparison.Ordinal);
        Assert.DoesNotContain("\"A\"", Source(run, "Space"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0104_LogScaleNeedsPositiveLow()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [{|AT0104:LogUniform(0, 1)|}] public double A { get; init; }
                [{|AT0104:IntRange(0, 64, Log = true)|}] public int B { get; init; }
                [LogUniform(1e-5, 1)] public double Ok { get; init; }
            }
            """);
    }

    [Fact]
    public void AT0105_InvalidStep()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [IntRange(0, 10, {|AT0105:Step = 0|})] public int A { get; init; }
                [IntRange(0, 10, {|AT0105:Step = 3|})] public int B { get; init; }
                [IntRange(1, 64, {|AT0105:Step = 2|}, Log = true)] public int C { get; init; }
                [IntRange(0, 10, Step = 5)] public int Ok { get; init; }
            }
            """);
        Assert.Contains("Set High to 9 or 12", string.Join("|", run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0106_EmptyDuplicateOrMixedChoices()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [{|AT0106:Choice|}] public int A { get; init; }
                [Choice(16, 32, {|AT0106:16|})] public int B { get; init; }
                [Choice(1.0, {|AT0106:2|})] public double C { get; init; }
                [Choice("a", "b")] public string Ok { get; init; } = "a";
            }
            """);
    }

    [Fact]
    public void AT0106_NonFiniteChoicesAreRefusedLikeNonFiniteRanges()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Choice(0.1, {|AT0106:double.NaN|})] public double A { get; init; }
                [Choice({|AT0106:double.PositiveInfinity|}, 1.0)] public double B { get; init; }
                [Choice(1f, {|AT0106:float.NegativeInfinity|})] public float C { get; init; }
                [Choice(0.1, 1.0, 1e308)] public double Ok { get; init; } = 0.1;
            }
            """);
        Assert.Contains("[Choice] on 'A' lists NaN (double), which is not a finite number. List finite values only", Message(run, "AT0106"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0107_AttributeDoesNotFitPropertyType()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [{|AT0107:Uniform(0, 1)|}] public int A { get; init; }
                [{|AT0107:IntRange(0, 8)|}] public double B { get; init; }
                [Choice(16, {|AT0107:"32"|})] public int C { get; init; }
                [Choice(OptimizerKind.Adam, {|AT0107:Loss.Mse|})] public OptimizerKind D { get; init; }
                [{|AT0107:IntRange(0, 3000000000)|}] public int E { get; init; }
                [Choice(true, false)] public bool Ok { get; init; }
            }
            """);
        Assert.Contains("Use [IntRange] for an integer property", Message(run, "AT0107"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0108_TunedPropertyNotSettable()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Uniform(0, 1)] public double {|AT0108:ReadOnly|} { get; }
                [Uniform(0, 1)] public static double {|AT0108:Shared|} { get; set; }
                [Uniform(0, 1)] public double Ok { get; init; }
                public bool Computed => Ok > 0.5; // a get-only bool is neither tuned nor reported
            }
            """);
    }

    [Fact]
    public void AT0109_SeveralDistributionsOnOneProperty()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Uniform(0, 1), {|AT0109:LogUniform(0.1, 1)|}] public double A { get; init; }
                [Choice(1, 2)] [{|AT0109:IntRange(1, 2)|}] public int B { get; init; }
            }
            """);
        // The first distribution wins.
        Assert.Contains("new global::Attune.Search.ParameterSpec(\"A\", global::Attune.Search.ParameterKind.Float, Low: 0, High: 1)", Source(run, "Space"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0110_ConditionMustNameAnEarlierCategorical()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Uniform(0, 1)] public double Rate { get; init; }
                public int Fixed { get; init; }
                [ActiveWhen({|AT0110:"Missing"|}, 1)] [Uniform(0, 1)] public double A { get; init; }
                [ActiveWhen({|AT0110:nameof(Rate)|}, 1)] [Uniform(0, 1)] public double B { get; init; }
                [ActiveWhen({|AT0110:nameof(Later)|}, true)] [Uniform(0, 1)] public double C { get; init; }
                [ActiveWhen({|AT0110:nameof(Fixed)|}, 1)] [Uniform(0, 1)] public double D { get; init; }
                [ActiveWhen({|AT0110:nameof(E)|}, 1)] [Uniform(0, 1)] public double E { get; init; }
                public bool Later { get; init; }
            }
            """);
        var messages = string.Join("|", run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("'Later', which is declared after it", messages, StringComparison.Ordinal);
        Assert.Contains("'Rate', which is a floating-point range, not categorical", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0111_ConditionValueNotAChoice()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Choice(16, 32)] public int Batch { get; init; }
                public OptimizerKind Optimizer { get; init; }
                [ActiveWhen(nameof(Batch), 16, {|AT0111:64|})] [Uniform(0, 1)] public double A { get; init; }
                [ActiveWhen(nameof(Optimizer), {|AT0111:Loss.Mse|})] [Uniform(0, 1)] public double B { get; init; }
                [{|AT0111:ActiveWhen(nameof(Optimizer))|}] [Uniform(0, 1)] public double C { get; init; }
                [ActiveWhen(nameof(Optimizer), OptimizerKind.Sgd, OptimizerKind.Adam)] [Uniform(0, 1)] public double Ok { get; init; }
            }
            """);
        Assert.Contains("'Batch' can only be one of 16, 32", Message(run, "AT0111"), StringComparison.Ordinal);
        Assert.Contains("new global::Attune.Search.ParameterCondition(\"Optimizer\", new int[] { 1, 2 })", Source(run, "Space"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0112_InvalidSweepOptions()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize, {|AT0112:Trials = 0|}, {|AT0112:TimeoutSeconds = -1|}, {|AT0112:Workers = 0|},
                {|AT0112:Seed = -2|}, {|AT0112:MaxFailedTrials = -5|}, {|AT0112:Sampler = (Sampler)9|}, {|AT0112:Pruner = (Pruner)9|}, {|AT0112:StudyName = " "|},
                {|AT0112:PrunerMinResource = 0|}, {|AT0112:PrunerReductionFactor = 1|}, {|AT0112:CreateAhead = (CreateAhead)9|}, {|AT0112:PrunerMaxResource = -1|})]
            public partial record Space { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Minimize, Trials = 1, TimeoutSeconds = 0.5, Workers = 8, Seed = -1, MaxFailedTrials = -1, Pruner = Pruner.Median,
                PrunerMinResource = 3, PrunerReductionFactor = 2, RetryAbandoned = true, CreateAhead = CreateAhead.Never, PrunerMaxResource = 4)]
            public partial record Fine { [Uniform(0, 1)] public double X { get; init; } }
            """);
    }

    [Fact]
    public void AT0135_PrunerMaxResourceNotAboveMin()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize, Pruner = Pruner.Hyperband, PrunerMinResource = 4, {|AT0135:PrunerMaxResource = 4|})]
            public partial record Equal { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize, Pruner = Pruner.Hyperband, {|AT0135:PrunerMaxResource = 1|})]
            public partial record BelowDefaultMin { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize, Pruner = Pruner.Hyperband, PrunerMinResource = 4, PrunerMaxResource = 5)]
            public partial record Above { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize, Pruner = Pruner.Hyperband, PrunerMinResource = 40)]
            public partial record Auto { [Uniform(0, 1)] public double X { get; init; } }
            """);
        Assert.Contains("PrunerMaxResource is 4, not above PrunerMinResource (4)", Message(run, "AT0135"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0118_RequiredMemberDecodeCannotSet()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Untuned { [Uniform(0, 1)] public double X { get; init; } public required int {|AT0118:Epochs|} { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Conditional
            {
                public bool UseBias { get; init; }
                [ActiveWhen(nameof(UseBias), true)] [Uniform(0, 1)] public required double {|AT0118:Bias|} { get; init; }
            }

            public record RequiredBase { public required string Name { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record {|AT0118:Inherits|} : RequiredBase { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record TunedAndRequired { [Uniform(0, 1)] public required double X { get; init; } }
            """);
        Assert.Contains("'Epochs' of 'Untuned' is 'required', but it is not tuned, so Decode's 'new Untuned { ... }' has no value for it. Remove 'required'",
            Message(run, "AT0118"), StringComparison.Ordinal);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("from 'new Conditional()', which cannot set it", StringComparison.Ordinal));
        Assert.False(Generated(run, "Untuned"));
        Assert.True(Generated(run, "TunedAndRequired"));               // a tuned required property is set by Decode
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }

    [Fact]
    public void AT0108_InheritedPropertyWithPrivateSetter()
    {
        var run = AssertDiagnostics("""
            public record Shared { [Uniform(0, 1)] public double {|AT0108:Locked|} { get; private init; } [Uniform(0, 1)] public double Open { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Derived : Shared { [Uniform(0, 1)] public double X { get; init; } }
            """);
        Assert.Contains("'Locked' is tuned ([Uniform]) but its 'set' or 'init' accessor is private to 'Shared'", Message(run, "AT0108"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0113_SweepDirectionRequired()
    {
        var run = AssertDiagnostics("""
            [{|AT0113:TuneSpace(Trials = 5)|}]
            public partial record Default { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace({|AT0113:Direction = Direction.Auto|})]
            public partial record Auto { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace({|AT0113:Direction = (Direction)7|})]
            public partial record Undefined { [Uniform(0, 1)] public double X { get; init; } }
            """);
        Assert.Contains("a sweep must say Maximize or Minimize", Message(run, "AT0113"), StringComparison.Ordinal);
        Assert.True(Generated(run, "Default"));
    }

    [Fact]
    public void AT0114_UnsupportedChoiceType()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [Choice(1, 2)] public {|AT0114:decimal|} A { get; init; }
                [Choice(1, 2)] public {|AT0114:int?|} B { get; init; }
                [Choice(1, 2)] public int Ok { get; init; }
            }
            """);
    }

    [Fact]
    public void AT0115_NoTunedParameter()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record {|AT0115:Empty|}
            {
                public double Fixed { get; init; }
            }
            """);
        Assert.True(Generated(run, "Empty"));
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }

    [Fact]
    public void AT0116_ConditionOnFixedProperty()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                public bool UseMomentum { get; init; }
                [{|AT0116:ActiveWhen(nameof(UseMomentum), true)|}] public double Momentum { get; init; }
            }
            """);
    }

    [Fact]
    public void AT0117_GridNeedsFiniteSpace()
    {
        AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize, {|AT0117:Sampler = Sampler.Grid|})]
            public partial record Space
            {
                [Uniform(0, 1)] public double A { get; init; }
                [IntRange(1, 4)] public int B { get; init; }
            }

            [TuneSpace(Direction = Direction.Maximize, Sampler = Sampler.Grid)]
            public partial record Finite { [IntRange(1, 4)] public int B { get; init; } }
            """);
    }

    [Fact]
    public void AT0122_CmaEsSamplesCategoricalAndConditionalParametersAtRandom()
    {
        var run = AssertDiagnostics("""
            public enum Update { Sgd, Adam }

            [TuneSpace(Direction = Direction.Minimize, {|AT0122:Sampler = Sampler.CmaEs|})]
            public partial record Mixed
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                [IntRange(1, 8)] public int Layers { get; init; }
                [Choice(16, 32, 64)] public int BatchSize { get; init; }
                public bool Nesterov { get; init; }
                public Update Update { get; init; }
                [Uniform(0.5, 0.99), ActiveWhen(nameof(Update), Update.Sgd)] public double Momentum { get; init; }
            }

            [TuneSpace(Direction = Direction.Minimize, Sampler = Sampler.CmaEs)]
            public partial record Numeric
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                [IntRange(1, 8)] public int Layers { get; init; }
            }

            [TuneSpace(Direction = Direction.Minimize, Sampler = Sampler.Tpe)]
            public partial record MixedWithTpe
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
                public bool Nesterov { get; init; }
            }
            """);
        Assert.Equal(
            "[TuneSpace] on 'Mixed' has Sampler = Sampler.CmaEs, which models only numeric parameters that are always active: " +
            "'BatchSize' (categorical), 'Nesterov' (categorical), 'Update' (categorical), 'Momentum' (conditional) are sampled at random, not by CMA-ES. " +
            "Use Sampler.Tpe or Sampler.Gp for mixed spaces, or make them numeric ranges without [ActiveWhen].",
            Message(run, "AT0122"));
        Assert.All(run.GeneratorDiagnostics.Where(d => d.Id == "AT0122"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void AT0120_BindingTypeMismatch()
    {
        var run = AssertDiagnostics("""
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Space
            {
                [LogUniform(1e-4, 1e-1)] public float {|AT0120:LearningRate|} { get; init; }
                [Choice(16L, 32L)] public long {|AT0120:BatchSize|} { get; init; }
                public int {|AT0120:Seed|} { get; init; }
                public int Epochs { get; init; } = 3;
            }
            """);
        Assert.Contains("'LearningRate' of 'Space' is 'float', but FineTuneOptions.LearningRate is 'double'", Message(run, "AT0120"), StringComparison.Ordinal);
        var source = Source(run, "Space");
        Assert.Contains("Epochs = this.Epochs,", source, StringComparison.Ordinal);
        Assert.DoesNotContain("LearningRate = this.LearningRate", source, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0121_SweepDirectionThatContradictsTheFineTuneMetricItReturns()
    {
        var run = AssertDiagnostics("""
            [FineTune(Metric = Metric.Accuracy)]
            public partial class Classifier : nn.Module<Tensor, Tensor>
            {
                private readonly Linear head;
                public Classifier() : base(nameof(Classifier)) { head = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor x) => head.forward(x);
            }

            [FineTune(Metric = Metric.Loss)]
            public partial class Regressor : nn.Module<Tensor, Tensor>
            {
                private readonly Linear head;
                public Regressor() : base(nameof(Regressor)) { head = nn.Linear(2, 1); RegisterComponents(); }
                public override Tensor forward(Tensor x) => head.forward(x);
            }

            [TuneSpace(Direction = Direction.Minimize)]
            public partial record MinimizingSweep
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; } = 1e-3;
            }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record MaximizingSweep
            {
                [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; } = 1e-3;
            }

            public static class Objectives
            {
                public static void Run(IBatchSource train, IBatchSource validation)
                {
                    // Minimizing accuracy, in an expression-bodied objective.
                    MinimizingSweep.RunSweep(trial => {|AT0121:new Classifier().RunFineTune(train, validation, trial).BestMetric|});
                    // Maximizing a loss, through a local holding the report.
                    MaximizingSweep.RunSweep(trial =>
                    {
                        var report = new Regressor().RunFineTune(train, validation, trial);
                        return {|AT0121:report.BestMetric|};
                    });
                    // Agreeing directions, and an objective the build cannot judge: nothing to say.
                    MaximizingSweep.RunSweep(trial => new Classifier().RunFineTune(train, validation, trial).BestMetric);
                    MinimizingSweep.RunSweep(trial => 1 - new Classifier().RunFineTune(train, validation, trial).BestMetric);
                }
            }
            """);
        Assert.Contains("'MinimizingSweep' sweeps with Direction = Direction.Minimize, but its objective returns the BestMetric of 'Classifier', whose metric (Accuracy) is better when larger",
            Message(run, "AT0121"), StringComparison.Ordinal);
        Assert.All(run.GeneratorDiagnostics.Where(d => d.Id == "AT0121"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public async Task AT0115_SuppressedByPragma()
    {
        var (source, expected) = Markup.Parse(GeneratorHarness.Usings + """
            #pragma warning disable AT0115
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Suppressed { }
            #pragma warning restore AT0115

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record {|AT0115:Reported|} { }
            """);
        var run = GeneratorHarness.Run(source);
        Assert.Equal(2, run.GeneratorDiagnostics.Count(d => d.Id == "AT0115"));
        var kept = await CompilerFilter.ApplyAsync(run.Input, run.GeneratorDiagnostics);
        var diagnostic = Assert.Single(kept);
        Assert.Equal(Assert.Single(expected).Span, diagnostic.Location.SourceSpan);
    }
}
