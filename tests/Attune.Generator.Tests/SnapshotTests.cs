using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// The generated files, checked against committed snapshots; each test also compiles the user's source with the
/// generated code and requires it to be free of warnings and errors.
/// </summary>
public sealed class SnapshotTests
{
    private static void VerifyAndCompile(GeneratorRun run, [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Snapshot.Verify(run, testName);
    }

    [Fact]
    public void DigitClassifier()
    {
        var run = Run(Usings + """
            namespace Samples
            {
                [FineTune(Epochs = 8, LearningRate = 1e-3, Loss = Loss.Custom, CustomLoss = nameof(MyLoss))]
                public partial class DigitClassifier : nn.Module<Tensor, Tensor>
                {
                    [Freeze] private readonly Sequential backbone;
                    [LearningRate(1e-2)] private readonly Linear head;
                    [WeightDecay(0)] private readonly Parameter scale;

                    public DigitClassifier(int classes) : base(nameof(DigitClassifier))
                    {
                        backbone = nn.Sequential(nn.Linear(784, 64), nn.ReLU());
                        head = nn.Linear(64, classes);
                        scale = new Parameter(ones(1));
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor input) => head.forward(backbone.forward(input)) * scale;

                    private Tensor MyLoss(Tensor output, Tensor labels) => nn.functional.cross_entropy(output, labels);
                }
            }
            """);

        VerifyAndCompile(run);
    }

    /// <summary>
    /// A model whose input is a batch record (token ids + attention mask, as a text encoder takes them): RunFineTune
    /// takes IBatchSource&lt;TheBatch&gt;, the sweep overload too, and there is no in-memory tensor overload.
    /// </summary>
    [Fact]
    public void BatchRecordInput()
    {
        var run = Run(Usings + """
            namespace Samples.Text
            {
                public sealed class TokenBatch : Attune.FineTuning.IModelInput
                {
                    public TokenBatch(Tensor ids, Tensor mask) { Ids = ids; Mask = mask; }
                    public Tensor Ids { get; }
                    public Tensor Mask { get; }
                    public string Describe() => "ids, mask";
                }

                [FineTune(Epochs = 2, LearningRate = 2e-5)]
                public partial class TextClassifier : nn.Module<TokenBatch, Tensor>
                {
                    [Freeze] private readonly Embedding embedding;
                    [LearningRate(1e-3)] private readonly Linear classifier;

                    public TextClassifier() : base(nameof(TextClassifier))
                    {
                        embedding = nn.Embedding(100, 8);
                        classifier = nn.Linear(8, 2);
                        RegisterComponents();
                    }

                    public override Tensor forward(TokenBatch batch)
                        => classifier.forward((embedding.forward(batch.Ids) * batch.Mask.unsqueeze(-1)).sum(1));
                }
            }
            """);

        VerifyAndCompile(run);
        var generated = run.Sources.Single(s => s.HintName == "Samples.Text.TextClassifier.FineTune.g.cs").SourceText.ToString();
        Assert.Contains("RunFineTune(global::Attune.FineTuning.IBatchSource<global::Samples.Text.TokenBatch> train", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("RunFineTune(global::TorchSharp.torch.Tensor trainFeatures", generated, StringComparison.Ordinal);
    }

    /// <summary>Layer-wise decay and layer-by-layer unfreezing on a stack of layers become FieldRule arguments.</summary>
    [Fact]
    public void LayerwiseRules()
    {
        var run = Run(Usings + """
            namespace Samples.Layers
            {
                public sealed class Encoder : nn.Module<Tensor, Tensor>, ILayeredModule
                {
                    private readonly Linear bottom = nn.Linear(4, 4), top = nn.Linear(4, 4);
                    public Encoder() : base("e") { RegisterComponents(); }
                    public System.Collections.Generic.IReadOnlyList<(string Name, nn.Module Module)> Layers => new (string, nn.Module)[] { ("bottom", bottom), ("top", top) };
                    public override Tensor forward(Tensor x) => top.call(bottom.call(x));
                }

                [FineTune(Epochs = 6)]
                public partial class Classifier : nn.Module<Tensor, Tensor>
                {
                    [Freeze(UnfreezeAtEpoch = 2, LayerByLayer = true), LayerwiseDecay(0.8)] private readonly Encoder encoder;
                    [LearningRate(1e-3)] private readonly Linear head;

                    public Classifier() : base(nameof(Classifier))
                    {
                        encoder = new Encoder();
                        head = nn.Linear(4, 2);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor x) => head.call(encoder.call(x));
                }
            }
            """);

        VerifyAndCompile(run);
    }

    [Fact]
    public void FileScopedNamespace()
    {
        var run = Run(Usings + """"
            namespace Samples.FileScoped;

            [FineTune(Epochs = 3, BatchSize = 64, LearningRate = 5e-5, WeightDecay = 0.01, Optimizer = OptimizerKind.Sgd, Momentum = 0.8,
                Schedule = LrSchedule.OneCycle, WarmupRatio = 0.1, Loss = Loss.Mse, Metric = Metric.R2, MetricDirection = Direction.Maximize,
                Patience = 2, MinDelta = 1e-4, MaxGradNorm = 1.0, Seed = -1, Shuffle = false, CheckpointDirectory = @"runs\reg ""v1""",
                AccumulationSteps = 4, MaxNonFiniteSteps = 2, TensorBoardDirectory = "runs/tb")]
            public partial class Regressor : nn.Module<Tensor, Tensor>
            {
                private readonly Linear body;
                [LearningRate(1e-3)] private readonly Linear head;

                public Regressor() : base(nameof(Regressor))
                {
                    body = nn.Linear(8, 8);
                    head = nn.Linear(8, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => head.forward(body.forward(input));
            }
            """");

        VerifyAndCompile(run);
    }

    [Fact]
    public void GlobalNamespace()
    {
        var run = Run(Usings + """
            [FineTune]
            internal partial class GlobalModel : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;

                public GlobalModel() : base(nameof(GlobalModel))
                {
                    layer = nn.Linear(4, 2);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => layer.forward(input);
            }
            """);

        VerifyAndCompile(run);
    }

    [Fact]
    public void NestedAndGenericContainingTypes()
    {
        var run = Run(Usings + """
            namespace Samples.Nested
            {
                public static partial class Models<TTag>
                {
                    internal partial record struct Holder
                    {
                        [FineTune(Epochs = 2)]
                        public sealed partial class Tagged<TItem> : nn.Module<Tensor, Tensor> where TItem : class
                        {
                            [Freeze] private readonly ModuleList<Linear> stack;
                            [WeightDecay(0.0)] private readonly Linear @checked;

                            public Tagged() : base(nameof(Tagged<TItem>))
                            {
                                stack = nn.ModuleList(nn.Linear(3, 3), nn.Linear(3, 3));
                                @checked = nn.Linear(3, 1);
                                RegisterComponents();
                            }

                            public override Tensor forward(Tensor input)
                            {
                                var x = input;
                                foreach (var layer in stack)
                                    x = layer.forward(x);
                                return @checked.forward(x);
                            }
                        }
                    }
                }
            }
            """);

        Assert.Contains(run.Sources, s => s.HintName == "Samples.Nested.Models_TTag_.Holder.Tagged_TItem_.FineTune.g.cs");
        VerifyAndCompile(run);
    }

    [Fact]
    public void CustomLossAndMetric()
    {
        var run = Run(Usings + """
            namespace Samples.Custom;

            [FineTune(Loss = Loss.Custom, CustomLoss = nameof(SmoothLoss), Metric = Metric.Custom, CustomMetric = nameof(Score), MetricDirection = Direction.Maximize)]
            public partial class InstanceLossStaticMetric : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;
                private readonly double smoothing = 0.1;

                public InstanceLossStaticMetric() : base(nameof(InstanceLossStaticMetric))
                {
                    layer = nn.Linear(4, 3);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => layer.forward(input);

                private Tensor SmoothLoss(Tensor output, Tensor labels) => nn.functional.cross_entropy(output, labels, label_smoothing: smoothing);

                private static double Score(Tensor outputs, Tensor labels) => outputs.argmax(1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
            }

            [FineTune(Loss = Loss.Custom, CustomLoss = nameof(L1), Metric = Metric.Custom, CustomMetric = nameof(NegativeError), MetricDirection = Direction.Minimize)]
            public partial class StaticLossInstanceMetric : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;

                public StaticLossInstanceMetric() : base(nameof(StaticLossInstanceMetric))
                {
                    layer = nn.Linear(4, 1);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => layer.forward(input);

                public static Tensor L1(Tensor output, Tensor labels) => (output - labels).abs().mean();

                internal double NegativeError(Tensor outputs, Tensor labels) => (outputs - labels).abs().mean().item<float>();
            }
            """);

        VerifyAndCompile(run);
    }

    [Fact]
    public void ParameterFields()
    {
        var run = Run(Usings + """
            namespace Samples.Parameters;

            [FineTune(Loss = Loss.Mse, Metric = Metric.Mse)]
            public partial class Affine : nn.Module<Tensor, Tensor>
            {
                [Freeze] private readonly Parameter weight;
                [LearningRate(0.05), WeightDecay(0)] private readonly Parameter bias;

                public Affine() : base(nameof(Affine))
                {
                    weight = new Parameter(randn(4, 4));
                    bias = new Parameter(zeros(4));
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => input.matmul(weight) + bias;
            }
            """);

        VerifyAndCompile(run);
    }

    [Fact]
    public void DerivedModel()
    {
        // A [FineTune] model deriving from another: the generated members hide the base's with 'new' (no CS0108).
        var run = Run(Usings + """
            namespace Samples.Derived;

            [FineTune(Epochs = 4)]
            public partial class BaseModel : nn.Module<Tensor, Tensor>
            {
                [Freeze] protected readonly Linear body;

                public BaseModel(string name) : base(name)
                {
                    body = nn.Linear(4, 4);
                }

                public override Tensor forward(Tensor input) => body.forward(input);
            }

            [FineTune(Epochs = 2, LearningRate = 1e-4)]
            public partial class DerivedModel : BaseModel
            {
                [LearningRate(1e-3)] private readonly Linear head;

                public DerivedModel() : base(nameof(DerivedModel))
                {
                    head = nn.Linear(4, 2);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor input) => head.forward(base.forward(input));
            }
            """);

        Assert.Contains("public static new global::Attune.FineTuning.FineTuneOptions FineTuneDefaults", run.Sources.Single(s => s.HintName == "Samples.Derived.DerivedModel.FineTune.g.cs").SourceText.ToString(), StringComparison.Ordinal);
        VerifyAndCompile(run);
    }

    [Fact]
    public void NativeInitializer()
    {
        var run = Run(new[]
        {
            Usings + """
            namespace Samples.Native;

            [FineTune]
            public partial class First : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;
                public First() : base(nameof(First)) { layer = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor input) => layer.forward(input);
            }
            """,
            Usings + """
            namespace Samples.Native;

            [FineTune]
            public partial class Second : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;
                public Second() : base(nameof(Second)) { layer = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor input) => layer.forward(input);
            }
            """,
        });

        Assert.Single(run.Sources, s => s.HintName == "Attune.NativeInit.g.cs");
        VerifyAndCompile(run);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData(" FALSE ")]
    public void NativeInitializerOptOut(string value)
    {
        var run = Run(Usings + """
            [FineTune]
            public partial class OptedOut : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;
                public OptedOut() : base(nameof(OptedOut)) { layer = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor input) => layer.forward(input);
            }
            """, new Dictionary<string, string> { ["build_property.AttuneNativeFix"] = value });

        Assert.DoesNotContain(run.Sources, s => s.HintName == "Attune.NativeInit.g.cs");
        Assert.Single(run.Sources);
        VerifyAndCompile(run, nameof(NativeInitializerOptOut));
    }

    [Fact]
    public void NoNativeInitializerWithoutFineTune()
    {
        var run = Run(Usings + "public class Plain { }");
        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void NativeInitializerWhenOptionIsTrue()
    {
        var run = Run(Usings + """
            [FineTune]
            public partial class OptedIn : nn.Module<Tensor, Tensor>
            {
                private readonly Linear layer;
                public OptedIn() : base(nameof(OptedIn)) { layer = nn.Linear(2, 2); RegisterComponents(); }
                public override Tensor forward(Tensor input) => layer.forward(input);
            }
            """, new Dictionary<string, string> { ["build_property.AttuneNativeFix"] = "true" });

        Assert.Contains(run.Sources, s => s.HintName == "Attune.NativeInit.g.cs");
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
    }
}
