using Attune.Generator.Common;
using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>The generator never throws: broken code gives compiler errors only, and an internal failure is AT0099.</summary>
public sealed class RobustnessTests
{
    [Theory]
    [InlineData("[FineTune] public partial class Broken : nn.Module<Tensor, Tensor> { [Freeze] private Sequential")]
    [InlineData("[FineTune(Epochs = )] public partial class Broken : nn.Module<Tensor, Tensor> { }")]
    [InlineData("[FineTune(Epochs = \"eight\", Loss = Loss.Nope, CustomLoss = 3)] public partial class Broken : nn.Module<Tensor, Tensor> { }")]
    [InlineData("[FineTune] public partial class Broken : nn.Module<Tensor, MissingType> { [LearningRate] private Linear a; [WeightDecay(\"x\")] private Linear b; }")]
    [InlineData("[FineTune] public partial class")]
    [InlineData("[FineTune] public partial class Broken<T : nn.Module<Tensor, Tensor> { public Tensor X(Tensor a, Tensor b) => a; ")]
    [InlineData("[FineTune] [FineTune] public partial class Twice : nn.Module<Tensor, Tensor> { public Twice() : base(\"t\") { } public override Tensor forward(Tensor x) => x; }")]
    [InlineData("[FineTune] public partial class P : nn.Module<Tensor, Tensor> { public P() : base(\"p\") { } public override Tensor forward(Tensor x) => x; }\n[FineTune] public partial class P { }")]
    [InlineData("[TuneSpace(Direction = Direction.Maximize)] public partial record S { [Uniform(0, )] public double A { get; init; } [Choice(Missing.Value, 2)] public int B { get; init; } [ActiveWhen(nameof(Nope), 1)] [IntRange(\"a\", 2)] public int C { get; init; } }")]
    [InlineData("[TuneSpace(Direction = Direction.Maximize, Trials = \"x\", Sampler = Sampler.Nope)] public partial record S { [Choice(null)] public string A { get; init; } = \"\"; [Choice(new object[] { 1, 1 })] public int B { get; init; } public MissingEnum E { get; init; } }")]
    [InlineData("[TuneSpace] public partial record")]
    [InlineData("[TuneSpace] [TuneSpace] public partial record Twice { [Uniform(0, 1)] public double A { get; init; } }")]
    [InlineData("[TuneSpace(Direction = Direction.Maximize)] public partial record P { [Uniform(0, 1)] public double A { get; init; } }\n[TuneSpace(Direction = Direction.Maximize)] public partial record P { }")]
    public void BrokenCodeDoesNotCrashTheGenerator(string code)
    {
        // Run throws when the generator throws (the user would see CS8785).
        var run = Run(Usings + code);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "AT0099" or "CS8785");
        Assert.Equal(run.Sources.Select(s => s.HintName).Distinct().Count(), run.Sources.Length);
    }

    [Fact]
    public void ClassWithErrorsStillGetsDiagnostics()
    {
        var run = Run(Usings + "[FineTune(Epochs = 0)] public class Broken : nn.Module<Tensor, Tensor> { [Freeze] private Sequential");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "AT0001");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "AT0003");
    }
}

/// <summary>Uses the parser's fault-injection seam (static), so it must not run beside other tests.</summary>
[CollectionDefinition(nameof(FaultInjectionCollection), DisableParallelization = true)]
public sealed class FaultInjectionCollection
{
}

[Collection(nameof(FaultInjectionCollection))]
public sealed class InternalErrorTests
{
    [Fact]
    public void AT0099_UnexpectedExceptionBecomesADiagnostic()
    {
        var (source, expected) = Markup.Parse(Usings + """
            [FineTune]
            public partial class {|AT0099:Faulty|} : nn.Module<Tensor, Tensor>
            {
                public Faulty() : base("f") { }
                public override Tensor forward(Tensor input) => input;
            }
            """);

        AttributeTarget.FaultInjection = _ => throw new InvalidOperationException("injected failure");
        GeneratorRun run;
        try
        {
            run = Run(source);
        }
        finally
        {
            AttributeTarget.FaultInjection = null;
        }

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AT0099", diagnostic.Id);
        Assert.Equal(Assert.Single(expected).Span, diagnostic.Location.SourceSpan);
        Assert.Contains("InvalidOperationException: injected failure", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(run.Sources, s => s.HintName == "Faulty.FineTune.g.cs");
    }
}

[Collection(nameof(FaultInjectionCollection))]
public sealed class TuneSpaceInternalErrorTests
{
    [Fact]
    public void AT0099_UnexpectedExceptionInASpaceBecomesADiagnostic()
    {
        var (source, expected) = Markup.Parse(Usings + """
            [TuneSpace(Direction = Direction.Maximize)]
            public partial record {|AT0099:Faulty|} { [Uniform(0, 1)] public double A { get; init; } }
            """);

        AttributeTarget.FaultInjection = _ => throw new InvalidOperationException("injected failure");
        GeneratorRun run;
        try
        {
            run = Run(source);
        }
        finally
        {
            AttributeTarget.FaultInjection = null;
        }

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AT0099", diagnostic.Id);
        Assert.Equal(Assert.Single(expected).Span, diagnostic.Location.SourceSpan);
        Assert.DoesNotContain(run.Sources, s => s.HintName == "Faulty.TuneSpace.g.cs");
    }
}
