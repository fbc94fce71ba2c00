using System.Reflection;
using Attune.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>
/// The pipeline must cache: after an edit that does not touch a [FineTune] class, every tracked step reuses its
/// output, and no step's output holds compiler objects (which would keep old compilations alive and never compare equal).
/// </summary>
public sealed class CacheabilityTests
{
    private const string Models = Usings + """
        namespace Samples;

        [FineTune(Epochs = 8, Loss = Loss.Custom, CustomLoss = nameof(MyLoss), Metric = Metric.Loss, {|AT0010:CustomMetric = "Unused"|})]
        public partial class DigitClassifier : nn.Module<Tensor, Tensor>
        {
            [Freeze] private readonly Sequential backbone = null!;
            [LearningRate(1e-2)] private readonly Linear head = null!;
            public DigitClassifier() : base(nameof(DigitClassifier)) { RegisterComponents(); }
            public override Tensor forward(Tensor input) => head.forward(backbone.forward(input));
            private Tensor MyLoss(Tensor output, Tensor labels) => output;
        }

        [TuneSpace(Direction = Direction.Maximize, Trials = 10, Pruner = Pruner.Median)]
        public partial record DigitSweep
        {
            [LogUniform(1e-4, 1e-1)] public double LearningRate { get; init; }
            [Choice(16, 32, {|AT0106:16|})] public int BatchSize { get; init; }
            public OptimizerKind Optimizer { get; init; }
            [ActiveWhen(nameof(Optimizer), OptimizerKind.Sgd)] [Uniform(0.5, 0.99)] public double Momentum { get; init; } = 0.9;
        }

        [ObjectiveScore]
        public partial record Score([property: Objective(Direction.Maximize)] double Accuracy, [property: Constraint] double OverMb);

        [ObjectiveScore]
        public partial record TwoWay([property: Objective(Direction.Maximize)] double Accuracy, [property: Objective(Direction.Minimize)] double Ms);

        public static class ScoredObjective
        {
            // Two objectives and a pruner: AT0128 (the scored-sweep step).
            public static void Run() => DigitSweep.{|AT0128:RunSweep|}(trial => new TwoWay(1, 2));
        }

        [ObjectiveScore]
        public partial record Broken([property: Objective(Direction.Maximize)] float {|AT0124:Accuracy|});

        public static class Objective
        {
            // DigitSweep maximizes the BestMetric of a model whose metric is its loss: AT0121 (the sweep-objective step).
            public static void Run(IBatchSource train, IBatchSource validation)
                => DigitSweep.RunSweep(trial => {|AT0121:new DigitClassifier().RunFineTune(train, validation, trial).BestMetric|});
        }

        public class Loose : nn.Module<Tensor, Tensor>
        {
            [Freeze] private readonly Linear layer = null!;
            [LearningRate(0.1)] private readonly Linear other = null!;
            [WeightDecay(0)] private readonly Linear third = null!;
            [LearningRateScale(0.5)] private readonly Linear fourth = null!;
            [Lora] private readonly Linear fifth = null!;
            [LayerwiseDecay(0.9)] private readonly Linear sixth = null!;
            public Loose() : base(nameof(Loose)) { }
            public override Tensor forward(Tensor input) => third.forward(other.forward(layer.forward(input)));
        }
        """;

    private static readonly string[] TrackedStepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void UnrelatedEditReusesEveryTrackedStep()
    {
        var source = Markup.Parse(Models).Source;
        var first = Run(CreateDriver(), CreateCompilation(source));

        // Every tracked step ran and produced something the first time.
        var firstSteps = first.Single.TrackedSteps;
        foreach (var name in TrackedStepNames)
            Assert.True(firstSteps.ContainsKey(name), $"Step '{name}' did not run.");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "AT0010");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "AT0014");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "AT0106");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "AT0124");
        Assert.Contains(first.Sources, s => s.HintName == "Samples.Score.ObjectiveScore.g.cs");
        Assert.Contains(first.Sources, s => s.HintName == "Samples.DigitSweep.TuneSpace.g.cs");

        var edited = first.Input.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int Value { get; set; } }", GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var second = Run(first.Driver, edited);

        var steps = second.Single.TrackedSteps;
        foreach (var name in TrackedStepNames)
        {
            Assert.True(steps.ContainsKey(name), $"Step '{name}' did not run the second time.");
            foreach (var step in steps[name])
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    Assert.True(
                        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"Step '{name}' output {value} was {reason} after an unrelated edit.");
                }
            }
        }

        // Same output, same diagnostics.
        Assert.Equal(first.Sources.Select(s => s.SourceText.ToString()), second.Sources.Select(s => s.SourceText.ToString()));
        Assert.Equal(first.GeneratorDiagnostics.Select(d => d.ToString()), second.GeneratorDiagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void EditingAModelRegeneratesIt()
    {
        var source = Markup.Parse(Models).Source;
        var first = Run(CreateDriver(), CreateCompilation(source));
        var oldTree = first.Input.SyntaxTrees.Single();
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(source.Replace("Epochs = 8", "Epochs = 9", StringComparison.Ordinal)));
        var second = Run(first.Driver, first.Input.ReplaceSyntaxTree(oldTree, newTree));

        var models = second.Single.TrackedSteps[TrackingNames.FineTuneModels];
        Assert.Contains(models.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Epochs = 9,", second.Sources.Single(s => s.HintName == "Samples.DigitClassifier.FineTune.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EditingASpaceRegeneratesIt()
    {
        var source = Markup.Parse(Models).Source;
        var first = Run(CreateDriver(), CreateCompilation(source));
        var oldTree = first.Input.SyntaxTrees.Single();
        var newTree = oldTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(source.Replace("Uniform(0.5, 0.99)", "Uniform(0.5, 0.95)", StringComparison.Ordinal)));
        var second = Run(first.Driver, first.Input.ReplaceSyntaxTree(oldTree, newTree));

        var models = second.Single.TrackedSteps[TrackingNames.TuneSpaceModels];
        Assert.Contains(models.SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("High: 0.95", second.Sources.Single(s => s.HintName == "Samples.DigitSweep.TuneSpace.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        var run = Run(CreateDriver(), CreateCompilation(Markup.Parse(Models).Source));
        foreach (var (name, steps) in run.Single.TrackedSteps.Where(s => TrackedStepNames.Contains(s.Key)))
        {
            foreach (var step in steps)
            {
                foreach (var (value, _) in step.Outputs)
                    ModelGraph.AssertHoldsNoCompilerObjects(value, name);
            }
        }
    }

    [Fact]
    public void ModelsAreStructurallyEqual()
    {
        var source = Markup.Parse(Models).Source;
        var a = Run(CreateDriver(), CreateCompilation(source));
        var b = Run(CreateDriver(), CreateCompilation(source));
        var modelA = a.Single.TrackedSteps[TrackingNames.FineTuneResults].Single().Outputs.Single().Value;
        var modelB = b.Single.TrackedSteps[TrackingNames.FineTuneResults].Single().Outputs.Single().Value;
        Assert.NotSame(modelA, modelB);
        Assert.Equal(modelA, modelB);
        Assert.Equal(modelA.GetHashCode(), modelB.GetHashCode());

        var spaceA = a.Single.TrackedSteps[TrackingNames.TuneSpaceResults].Single().Outputs.Single().Value;
        var spaceB = b.Single.TrackedSteps[TrackingNames.TuneSpaceResults].Single().Outputs.Single().Value;
        Assert.NotSame(spaceA, spaceB);
        Assert.Equal(spaceA, spaceB);
        Assert.Equal(spaceA.GetHashCode(), spaceB.GetHashCode());
    }
}
