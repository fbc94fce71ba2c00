using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>[Freeze(UnfreezeAtEpoch = n)], [LearningRateScale] and Resume: their diagnostics (AT0020–AT0024, AT0006,
/// AT0007, AT0014) with exact spans, and the generated plan.</summary>
public sealed class GradualRulesTests
{
    private static string Module(string name) => $$"""
            public {{name}}() : base("{{name}}") { RegisterComponents(); }
            public override Tensor forward(Tensor input) => input;
        """;

    [Fact]
    public void AT0020_InvalidUnfreezeEpoch()
    {
        var run = DiagnosticTests.AssertDiagnostics($$"""
            [FineTune(Epochs = 5)]
            public partial class BadEpochs : nn.Module<Tensor, Tensor>
            {
                [Freeze({|AT0020:UnfreezeAtEpoch = 1|})] private readonly Linear a = null!;
                [Freeze({|AT0020:UnfreezeAtEpoch = -2|})] private readonly Linear b = null!;
                [Freeze(UnfreezeAtEpoch = 0)] private readonly Linear c = null!;
                [Freeze(UnfreezeAtEpoch = 5)] private readonly Linear d = null!;
                private readonly Linear head = null!;
            {{Module("BadEpochs")}}
            }
            """);
        Assert.Contains("epoch 1 is the first epoch, so the field would never be frozen", DiagnosticTests.Message(run, "AT0020"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0021_UnfreezeAfterTheLastEpoch()
    {
        var run = DiagnosticTests.AssertDiagnostics($$"""
            [FineTune(Epochs = 4)]
            public partial class Late : nn.Module<Tensor, Tensor>
            {
                [Freeze({|AT0021:UnfreezeAtEpoch = 6|})] private readonly Linear a = null!;
                private readonly Linear head = null!;
            {{Module("Late")}}
            }

            [FineTune]
            public partial class DefaultEpochs : nn.Module<Tensor, Tensor>
            {
                [Freeze({|AT0021:UnfreezeAtEpoch = 11|})] private readonly Linear a = null!;
                [Freeze(UnfreezeAtEpoch = 10)] private readonly Linear b = null!;
                private readonly Linear head = null!;
            {{Module("DefaultEpochs")}}
            }
            """);
        Assert.Contains("([FineTune] Epochs = 4)", DiagnosticTests.Message(run, "AT0021"), StringComparison.Ordinal);
        Assert.Contains(run.Sources, s => s.HintName.EndsWith("Late.FineTune.g.cs", StringComparison.Ordinal)); // a warning still generates
    }

    [Fact]
    public void AT0022_InvalidLearningRateScale()
    {
        DiagnosticTests.AssertDiagnostics($$"""
            [FineTune]
            public partial class BadScales : nn.Module<Tensor, Tensor>
            {
                [LearningRateScale({|AT0022:0|})] private readonly Linear a = null!;
                [LearningRateScale({|AT0022:-0.5|})] private readonly Linear b = null!;
                [LearningRateScale({|AT0022:double.PositiveInfinity|})] private readonly Linear c = null!;
                [LearningRateScale(0.01)] private readonly Linear ok = null!;
            {{Module("BadScales")}}
            }
            """);
    }

    [Fact]
    public void AT0023_RateAndScaleOnOneField()
    {
        DiagnosticTests.AssertDiagnostics($$"""
            [FineTune]
            public partial class Both : nn.Module<Tensor, Tensor>
            {
                [LearningRate(1e-3), {|AT0023:LearningRateScale(0.1)|}] private readonly Linear a = null!;
                [LearningRateScale(0.1), WeightDecay(0)] private readonly Linear ok = null!;
            {{Module("Both")}}
            }
            """);
    }

    [Fact]
    public void AT0024_ResumeWithoutCheckpointDirectory()
    {
        DiagnosticTests.AssertDiagnostics($$"""
            [FineTune({|AT0024:Resume = true|})]
            public partial class NoDirectory : nn.Module<Tensor, Tensor>
            {
            {{Module("NoDirectory")}}
            }

            [FineTune(Resume = true, CheckpointDirectory = "runs/a")]
            public partial class WithDirectory : nn.Module<Tensor, Tensor>
            {
            {{Module("WithDirectory")}}
            }

            [FineTune({|AT0024:Resume = true|}, CheckpointDirectory = "")]
            public partial class EmptyDirectory : nn.Module<Tensor, Tensor>
            {
            {{Module("EmptyDirectory")}}
            }

            [FineTune(Resume = false)]
            public partial class NoResume : nn.Module<Tensor, Tensor>
            {
            {{Module("NoResume")}}
            }
            """);
    }

    [Fact]
    public void AT0006_OnlyForFieldsFrozenForTheWholeRun()
    {
        DiagnosticTests.AssertDiagnostics($$"""
            [FineTune]
            public partial class Rules : nn.Module<Tensor, Tensor>
            {
                [Freeze, {|AT0006:LearningRateScale(0.1)|}] private readonly Linear always = null!;
                [Freeze(UnfreezeAtEpoch = 3), LearningRate(1e-4), WeightDecay(0)] private readonly Linear later = null!;
                [Freeze(UnfreezeAtEpoch = 2), LearningRateScale(0.1)] private readonly Linear laterScaled = null!;
                private readonly Linear head = null!;
            {{Module("Rules")}}
            }
            """);
    }

    [Fact]
    public void AT0007_CountsFieldsThatUnfreezeLaterAsFrozenInEpochOne()
    {
        var run = DiagnosticTests.AssertDiagnostics($$"""
            [{|AT0007:FineTune|}(Epochs = 4)]
            public partial class FrozenAtStart : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Linear a = null!;
                [Freeze(UnfreezeAtEpoch = 2)] private readonly Linear b = null!;
            {{Module("FrozenAtStart")}}
            }
            """);
        Assert.Contains("(a, b (until epoch 2))", DiagnosticTests.Message(run, "AT0007"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0014_LearningRateScaleWithoutFineTune()
    {
        DiagnosticTests.AssertDiagnostics($$"""
            public class Plain : nn.Module<Tensor, Tensor>
            {
                [{|AT0014:LearningRateScale(0.1)|}] private readonly Linear a = null!;
                [{|AT0014:Freeze(UnfreezeAtEpoch = 2)|}] private readonly Linear b = null!;
            {{Module("Plain")}}
            }
            """);
    }

    [Fact]
    public void GradualUnfreezingAndScales()
    {
        var run = Run(Usings + """
            namespace Samples
            {
                [FineTune(Epochs = 6, LearningRate = 1e-3, CheckpointDirectory = "runs/gradual", Resume = true)]
                public partial class GradualClassifier : nn.Module<Tensor, Tensor>
                {
                    [Freeze(UnfreezeAtEpoch = 4), LearningRateScale(0.01)] private readonly Sequential stem;
                    [Freeze(UnfreezeAtEpoch = 2), LearningRateScale(0.1), WeightDecay(0)] private readonly Sequential body;
                    [Freeze] private readonly Parameter temperature;
                    private readonly Linear head;

                    public GradualClassifier(int classes) : base(nameof(GradualClassifier))
                    {
                        stem = nn.Sequential(nn.Linear(784, 128), nn.BatchNorm1d(128), nn.ReLU());
                        body = nn.Sequential(nn.Linear(128, 64), nn.ReLU());
                        temperature = new Parameter(ones(1));
                        head = nn.Linear(64, classes);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor input) => head.forward(body.forward(stem.forward(input))) / temperature;
                }
            }
            """);

        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Snapshot.Verify(run);
    }
}
