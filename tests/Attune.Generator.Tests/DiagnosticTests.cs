using Attune.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// Every diagnostic, with its exact span: sources mark what each diagnostic must cover as <c>{|ID:text|}</c>, and the
/// generator must report exactly those (no more, no fewer).
/// </summary>
public sealed class DiagnosticTests
{
    /// <summary>A constructor and forward, so the classes below are ordinary TorchSharp modules.</summary>
    private static string Module(string name) => $$"""
            public {{name}}() : base("{{name}}") { RegisterComponents(); }
            public override Tensor forward(Tensor input) => input;
        """;

    internal static GeneratorRun AssertDiagnostics(string markup)
    {
        var (source, expected) = Markup.Parse(Usings + markup);
        var run = Run(source);
        var actual = run.GeneratorDiagnostics
            .Select(d => (d.Id, Span: d.Location.SourceSpan))
            .OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var wanted = expected.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();

        string Describe(IEnumerable<(string Id, Microsoft.CodeAnalysis.Text.TextSpan Span)> items)
            => string.Join(Environment.NewLine, items.Select(d => $"  {d.Id} {d.Span} '{source.Substring(d.Span.Start, d.Span.Length)}'"));
        Assert.True(
            actual.SequenceEqual(wanted),
            $"Expected:{Environment.NewLine}{Describe(wanted)}{Environment.NewLine}Actual:{Environment.NewLine}{Describe(actual)}{Environment.NewLine}Messages:{Environment.NewLine}{Snapshot.FormatDiagnostics(run.GeneratorDiagnostics)}");
        foreach (var diagnostic in run.GeneratorDiagnostics)
        {
            Assert.True(diagnostic.Location.IsInSource, $"{diagnostic.Id} is not located in the source (so #pragma could not suppress it).");
            Assert.NotEmpty(diagnostic.Descriptor.HelpLinkUri);
        }
        return run;
    }

    internal static string Message(GeneratorRun run, string id)
        => run.GeneratorDiagnostics.First(d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static bool Generated(GeneratorRun run, string typeName)
        => run.Sources.Any(s => s.HintName.EndsWith(typeName + ".FineTune.g.cs", StringComparison.Ordinal));

    [Fact]
    public void AT0001_ClassOrContainingTypeNotPartial()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public class {|AT0001:NotPartial|} : nn.Module<Tensor, Tensor>
            {
            {{Module("NotPartial")}}
            }

            public class Outer
            {
                [FineTune]
                public partial class {|AT0001:Inner|} : nn.Module<Tensor, Tensor>
                {
            {{Module("Inner")}}
                }
            }
            """);

        Assert.False(Generated(run, "NotPartial"));
        Assert.False(Generated(run, "Inner"));
        Assert.Contains("but 'Outer' is not partial", string.Join("|", run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0001_NotReportedWhenTheCompilerReportsMissingPartial()
    {
        // Two declarations, one without 'partial': the compiler says CS0260; the generator does not repeat it.
        AssertDiagnostics($$"""
            [FineTune]
            public partial class Split : nn.Module<Tensor, Tensor>
            {
            {{Module("Split")}}
            }

            public class Split
            {
            }
            """);
    }

    [Fact]
    public void AT0002_NotATensorModule()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class {|AT0002:PlainClass|}
            {
            }

            [FineTune]
            public partial class {|AT0002:UntypedModule|} : nn.Module
            {
                public UntypedModule() : base("u") { }
            }

            [FineTune]
            public partial record {|AT0002:RecordModel|}(int Size);

            [FineTune]
            public partial class UnresolvedBase : MissingBaseType
            {
            }
            """);

        Assert.Contains("derives from 'object'", Message(run, "AT0002"), StringComparison.Ordinal);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("derives from 'TorchSharp.torch.nn.Module'", StringComparison.Ordinal));
        Assert.False(Generated(run, "PlainClass"));
    }

    [Fact]
    public void AT0002_OutputThatIsNotOneTensor()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class {|AT0002:PairOutput|} : nn.Module<Tensor, (Tensor, Tensor)>
            {
                public PairOutput() : base("p") { }
                public override (Tensor, Tensor) forward(Tensor input) => (input, input);
            }
            """);

        Assert.Contains("nn.Module<YourBatch, Tensor>", Message(run, "AT0002"), StringComparison.Ordinal);
        Assert.False(Generated(run, "PairOutput"));
    }

    [Fact]
    public void AT0025_ForwardWithSeveralInputs()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class {|AT0025:TwoInputs|} : nn.Module<Tensor, Tensor, Tensor>
            {
                public TwoInputs() : base("t") { }
                public override Tensor forward(Tensor ids, Tensor mask) => ids * mask;
            }

            public abstract class ThreeInputBase : nn.Module<Tensor, Tensor, Tensor, Tensor>
            {
                protected ThreeInputBase() : base("b") { }
            }

            [FineTune]
            public partial class {|AT0025:Derived|} : ThreeInputBase
            {
                public override Tensor forward(Tensor a, Tensor b, Tensor c) => a;
            }
            """);

        var message = Message(run, "AT0025");
        Assert.Contains("'TwoInputs' has [FineTune] but derives from 'TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>', whose forward takes 2 inputs", message, StringComparison.Ordinal);
        Assert.Contains("Attune.FineTuning.IModelInput", message, StringComparison.Ordinal);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("takes 3 inputs", StringComparison.Ordinal));
        Assert.False(Generated(run, "TwoInputs"));
    }

    /// <summary>A stack of layers, as a transformer encoder is.</summary>
    private const string LayeredStack = """
        public sealed class Stack : nn.Module<Tensor, Tensor>, ILayeredModule
        {
            private readonly Linear bottom = nn.Linear(4, 4), top = nn.Linear(4, 4);
            public Stack() : base("s") { RegisterComponents(); }
            public System.Collections.Generic.IReadOnlyList<(string Name, nn.Module Module)> Layers => new (string, nn.Module)[] { ("bottom", bottom), ("top", top) };
            public override Tensor forward(Tensor x) => top.call(bottom.call(x));
        }

        """;

    [Fact]
    public void AT0026_LayerRuleOnAFieldThatIsNotAStack()
    {
        var run = AssertDiagnostics(LayeredStack + $$"""
            [FineTune(Epochs = 4)]
            public partial class Model : nn.Module<Tensor, Tensor>
            {
                [{|AT0026:LayerwiseDecay(0.9)|}] private readonly Sequential body = nn.Sequential(nn.Linear(4, 4));
                [Freeze(UnfreezeAtEpoch = 2, {|AT0026:LayerByLayer = true|})] private readonly Linear middle = nn.Linear(4, 4);
                [LayerwiseDecay(0.8)] private readonly Stack encoder = new Stack();
                private readonly Linear head = nn.Linear(4, 2);
            {{Module("Model")}}
            }
            """);

        Assert.Contains("[LayerwiseDecay] on 'body' needs a stack of layers, but 'TorchSharp.Modules.Sequential' does not implement Attune.FineTuning.ILayeredModule", Message(run, "AT0026"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0027_InvalidLayerRule()
    {
        var run = AssertDiagnostics(LayeredStack + $$"""
            [FineTune(Epochs = 4)]
            public partial class Model : nn.Module<Tensor, Tensor>
            {
                [LayerwiseDecay({|AT0027:1.5|})] private readonly Stack a = new Stack();
                [Freeze({|AT0027:LayerByLayer = true|})] private readonly Stack b = new Stack();
                [{|AT0017:Lora(Targets = new[] { "top" })|}] [Freeze(UnfreezeAtEpoch = 2, LayerByLayer = true)] private readonly Stack c = new Stack();
                [Lora(Targets = new[] { "top" })] [LayerwiseDecay(0.9)] private readonly Stack adapted = new Stack();
                [Freeze(UnfreezeAtEpoch = 2, LayerByLayer = true), LayerwiseDecay(0.9)] private readonly Stack ok = new Stack();
                private readonly Linear head = nn.Linear(4, 2);
            {{Module("Model")}}
            }
            """);

        Assert.Contains("[LayerwiseDecay] on 'a' is invalid: the decay is 1.5, but it must be in (0, 1]", Message(run, "AT0027"), StringComparison.Ordinal);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("Fix: add UnfreezeAtEpoch = 2", StringComparison.Ordinal));
    }

    [Fact]
    public void AT0003_InvalidOptionValues()
    {
        var run = AssertDiagnostics($$"""
            [FineTune({|AT0003:Epochs = 0|}, {|AT0003:BatchSize = -1|}, {|AT0003:LearningRate = double.PositiveInfinity|}, {|AT0003:WeightDecay = -0.1|},
                {|AT0003:Momentum = 1.0|}, {|AT0003:WarmupSteps = -1|}, {|AT0003:Patience = -3|}, {|AT0003:MinDelta = -1e-3|},
                {|AT0003:MaxGradNorm = -1|}, {|AT0003:Seed = -2|}, {|AT0003:Optimizer = (OptimizerKind)7|},
                {|AT0003:AccumulationSteps = 0|}, {|AT0003:MaxNonFiniteSteps = -1|})]
            public partial class BadOptions : nn.Module<Tensor, Tensor>
            {
            {{Module("BadOptions")}}
            }

            [FineTune({|AT0003:LearningRate = 0|}, {|AT0003:WarmupRatio = 1.0|}, {|AT0003:Loss = (Loss)42|}, {|AT0003:MetricDirection = (Direction)(-1)|})]
            public partial class MoreBadOptions : nn.Module<Tensor, Tensor>
            {
            {{Module("MoreBadOptions")}}
            }
            """);

        var messages = Snapshot.FormatDiagnostics(run.GeneratorDiagnostics);
        Assert.Contains("[FineTune] Epochs is 0, but it must be an integer of at least 1.", messages, StringComparison.Ordinal);
        Assert.Contains("LearningRate is double.PositiveInfinity", messages, StringComparison.Ordinal);
        Assert.Contains("[FineTune] AccumulationSteps is 0, but it must be an integer of at least 1 (1 turns accumulation off).", messages, StringComparison.Ordinal);
        Assert.Contains("Optimizer is (OptimizerKind)7, which is not a defined OptimizerKind value, but it must be one of OptimizerKind.AdamW, OptimizerKind.Adam, OptimizerKind.Sgd", messages, StringComparison.Ordinal);
        // Option values do not stop emission: the class still gets its members (with the values as written).
        Assert.True(Generated(run, "BadOptions"));
        Assert.Contains("(global::Attune.OptimizerKind)(7)", run.Sources.First(s => s.HintName == "BadOptions.FineTune.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0004_WarmupStepsAndRatio()
    {
        var run = AssertDiagnostics($$"""
            [FineTune(WarmupSteps = 100, {|AT0004:WarmupRatio = 0.1|})]
            public partial class BothWarmups : nn.Module<Tensor, Tensor>
            {
            {{Module("BothWarmups")}}
            }
            """);
        Assert.Contains("WarmupSteps (100) and WarmupRatio (0.1)", Message(run, "AT0004"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0005_UnsupportedMembers()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class Members : nn.Module<Tensor, Tensor>
            {
                [{|AT0005:Freeze|}] public Linear Property { get; set; } = null!;
                [{|AT0005:LearningRate(0.1)|}] private static Linear shared = null!;
                [{|AT0005:WeightDecay(0)|}] private readonly int count;
                [Freeze] private readonly MissingType unresolved;
                private readonly Linear trainable = null!;
            {{Module("Members")}}
            }
            """);

        var messages = Snapshot.FormatDiagnostics(run.GeneratorDiagnostics);
        Assert.Contains("it is a property, and TorchSharp registers fields only; make it a field", messages, StringComparison.Ordinal);
        Assert.Contains("it is static", messages, StringComparison.Ordinal);
        Assert.Contains("its type 'int' is neither a TorchSharp module nor a Parameter", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0006_FrozenFieldWithItsOwnRule()
    {
        AssertDiagnostics($$"""
            [FineTune]
            public partial class FrozenRules : nn.Module<Tensor, Tensor>
            {
                [Freeze, {|AT0006:LearningRate(0.1)|}] private readonly Linear a = null!;
                [Freeze]
                [{|AT0006:WeightDecay(0)|}] private readonly Linear b = null!;
                private readonly Linear c = null!;
            {{Module("FrozenRules")}}
            }
            """);
    }

    [Fact]
    public void AT0007_EverythingFrozen()
    {
        var run = AssertDiagnostics($$"""
            [{|AT0007:FineTune|}(Epochs = 2)]
            public partial class AllFrozen : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Linear a = null!;
                [Freeze] private readonly Parameter p = null!;
                private readonly int notAModule = 3;
            {{Module("AllFrozen")}}
            }

            [FineTune]
            public partial class NoFields : nn.Module<Tensor, Tensor>
            {
            {{Module("NoFields")}}
            }
            """);
        Assert.Contains("(a, p)", Message(run, "AT0007"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0008_InvalidFieldValues()
    {
        AssertDiagnostics($$"""
            [FineTune]
            public partial class BadFieldValues : nn.Module<Tensor, Tensor>
            {
                [LearningRate({|AT0008:0|})] private readonly Linear a = null!;
                [LearningRate({|AT0008:double.NaN|})] private readonly Linear b = null!;
                [WeightDecay({|AT0008:-0.5|})] private readonly Linear c = null!;
                [WeightDecay(0), LearningRate(1e-5)] private readonly Linear ok = null!;
            {{Module("BadFieldValues")}}
            }
            """);
    }

    [Fact]
    public void AT0009_CustomWithoutMethod()
    {
        AssertDiagnostics($$"""
            [FineTune({|AT0009:Loss = Loss.Custom|}, {|AT0009:Metric = Metric.Custom|}, MetricDirection = Direction.Maximize)]
            public partial class NoHooks : nn.Module<Tensor, Tensor>
            {
            {{Module("NoHooks")}}
            }
            """);
    }

    [Fact]
    public void AT0010_CustomMethodIgnored()
    {
        var run = AssertDiagnostics($$"""
            [FineTune(Loss = Loss.Mse, {|AT0010:CustomLoss = nameof(MyLoss)|}, {|AT0010:CustomMetric = "Score"|})]
            public partial class IgnoredHooks : nn.Module<Tensor, Tensor>
            {
                private Tensor MyLoss(Tensor output, Tensor labels) => output;
            {{Module("IgnoredHooks")}}
            }
            """);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains("CustomLoss = \"MyLoss\" is ignored because Loss is Mse, not Loss.Custom", Snapshot.FormatDiagnostics(run.GeneratorDiagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AT0010_SuppressedByPragma()
    {
        var (source, expected) = Markup.Parse(Usings + $$"""
            #pragma warning disable AT0010
            [FineTune(Loss = Loss.Mse, CustomLoss = "Unused")]
            #pragma warning restore AT0010
            public partial class Suppressed : nn.Module<Tensor, Tensor>
            {
            {{Module("Suppressed")}}
            }

            [FineTune(Loss = Loss.Mse, {|AT0010:CustomLoss = "Reported"|})]
            public partial class NotSuppressed : nn.Module<Tensor, Tensor>
            {
            {{Module("NotSuppressed")}}
            }
            """);
        var run = Run(source);
        Assert.Equal(2, run.GeneratorDiagnostics.Count(d => d.Id == "AT0010"));

        // What the compiler keeps after applying #pragma: only the unsuppressed one, at its marked span.
        var kept = await CompilerFilter.ApplyAsync(run.Input, run.GeneratorDiagnostics);
        var diagnostic = Assert.Single(kept);
        Assert.Equal("AT0010", diagnostic.Id);
        Assert.Equal(Assert.Single(expected).Span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void AT0011_CustomLossMethod()
    {
        var run = AssertDiagnostics($$"""
            [FineTune(Loss = Loss.Custom, {|AT0011:CustomLoss = "Missing"|})]
            public partial class MissingLoss : nn.Module<Tensor, Tensor>
            {
            {{Module("MissingLoss")}}
            }

            [FineTune(Loss = Loss.Custom, {|AT0011:CustomLoss = nameof(WrongLoss)|})]
            public partial class WrongLossSignature : nn.Module<Tensor, Tensor>
            {
                private double WrongLoss(Tensor output) => 0;
            {{Module("WrongLossSignature")}}
            }

            [FineTune(Loss = Loss.Custom, CustomLoss = nameof(NotDeclared))]
            public partial class CompilerReportsNameof : nn.Module<Tensor, Tensor>
            {
            {{Module("CompilerReportsNameof")}}
            }
            """);

        var messages = Snapshot.FormatDiagnostics(run.GeneratorDiagnostics);
        Assert.Contains("'MissingLoss' has no method of that name", messages, StringComparison.Ordinal);
        Assert.Contains("its signature is 'double WrongLoss(Tensor output)'", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0012_CustomMetricMethod()
    {
        var run = AssertDiagnostics($$"""
            [FineTune(Metric = Metric.Custom, {|AT0012:CustomMetric = nameof(Score)|}, MetricDirection = Direction.Maximize)]
            public partial class WrongMetric : nn.Module<Tensor, Tensor>
            {
                private static Tensor Score(Tensor outputs, Tensor labels) => outputs;
            {{Module("WrongMetric")}}
            }
            """);
        Assert.Contains("'double Score(Tensor outputs, Tensor labels)'", Message(run, "AT0012"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0013_CustomMetricWithoutDirection()
    {
        AssertDiagnostics($$"""
            [FineTune({|AT0013:Metric = Metric.Custom|}, CustomMetric = nameof(Score))]
            public partial class NoDirection : nn.Module<Tensor, Tensor>
            {
                private double Score(Tensor outputs, Tensor labels) => 0;
            {{Module("NoDirection")}}
            }
            """);
    }

    [Fact]
    public void AT0029_DirectionThatContradictsTheMetric()
    {
        var run = AssertDiagnostics($$"""
            [FineTune(Metric = Metric.Accuracy, {|AT0029:MetricDirection = Direction.Minimize|})]
            public partial class MinimizesAccuracy : nn.Module<Tensor, Tensor>
            {
            {{Module("MinimizesAccuracy")}}
            }

            [FineTune(Metric = Metric.Loss, {|AT0029:MetricDirection = Direction.Maximize|})]
            public partial class MaximizesLoss : nn.Module<Tensor, Tensor>
            {
            {{Module("MaximizesLoss")}}
            }

            [FineTune({|AT0029:MetricDirection = Direction.Minimize|})]
            public partial class DefaultMetricIsAccuracy : nn.Module<Tensor, Tensor>
            {
            {{Module("DefaultMetricIsAccuracy")}}
            }

            [FineTune(Metric = Metric.R2, MetricDirection = Direction.Maximize)]
            public partial class Agrees : nn.Module<Tensor, Tensor>
            {
            {{Module("Agrees")}}
            }

            [FineTune(Metric = Metric.Custom, CustomMetric = nameof(Score), MetricDirection = Direction.Minimize)]
            public partial class CustomIsTheUsersCall : nn.Module<Tensor, Tensor>
            {
                private double Score(Tensor outputs, Tensor labels) => 0;
            {{Module("CustomIsTheUsersCall")}}
            }
            """);
        Assert.Equal(DiagnosticSeverity.Warning, run.GeneratorDiagnostics.First(d => d.Id == "AT0029").Severity);
        Assert.Contains("MetricDirection = Direction.Minimize on 'MinimizesAccuracy', but for Metric.Accuracy larger values are better; the run would keep its worst epoch", Message(run, "AT0029"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0014_FieldAttributesWithoutFineTune()
    {
        var run = AssertDiagnostics($$"""
            public class NoFineTune : nn.Module<Tensor, Tensor>
            {
                [{|AT0014:Freeze|}] private readonly Linear a = null!, b = null!;
                [{|AT0014:LearningRate(0.1)|}] private readonly Linear c = null!;
                [{|AT0014:WeightDecay(0)|}] public Linear D { get; } = null!;
            {{Module("NoFineTune")}}
            }
            """);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void ValidModelHasNoDiagnostics()
    {
        AssertDiagnostics($$"""
            [FineTune(Loss = Loss.Custom, CustomLoss = nameof(MyLoss), Metric = Metric.Custom, CustomMetric = nameof(Score), MetricDirection = Direction.Minimize, WarmupSteps = 10)]
            public partial class Valid : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Linear a = null!;
                [LearningRate(1e-2), WeightDecay(0)] private readonly Linear b = null!;
                private static Tensor MyLoss(Tensor output, Tensor labels) => output;
                public double Score(Tensor outputs, Tensor labels) => 0;
            {{Module("Valid")}}
            }
            """);
    }
}
