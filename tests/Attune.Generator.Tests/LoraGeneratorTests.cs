using Attune.Generator.Tests.Infrastructure;
using static Attune.Generator.Tests.DiagnosticTests;
using static Attune.Generator.Tests.Infrastructure.GeneratorHarness;

namespace Attune.Generator.Tests;

/// <summary>[Lora]: the emitted plan (snapshot, compiled), AT0015–AT0019 with their spans, and the generator's copy of
/// the pattern language agreeing with the runtime's.</summary>
public sealed class LoraGeneratorTests
{
    private static string Module(string name) => $$"""
            public {{name}}() : base("{{name}}") { RegisterComponents(); }
        """;

    /// <summary>A source container the build can see completely: two blocks with q/k/v Linear layers and a norm.</summary>
    private const string Blocks = """
        public sealed class Attention : nn.Module<Tensor, Tensor>
        {
            private readonly Linear q = null!, k = null!, v = null!;
            private readonly LayerNorm norm = null!;
            public Attention() : base("Attention") { RegisterComponents(); }
            public override Tensor forward(Tensor input) => v.call(k.call(q.call(norm.call(input))));
        }

        public sealed class Encoder : nn.Module<Tensor, Tensor>
        {
            private readonly Attention first = null!, second = null!;
            private readonly Linear proj = null!;
            public Encoder() : base("Encoder") { RegisterComponents(); }
            public override Tensor forward(Tensor input) => proj.call(second.call(first.call(input)));
        }
        """;

    [Fact]
    public void LoraFields()
    {
        var run = Run(Usings + Blocks + """

            namespace Samples
            {
                [FineTune(Epochs = 4)]
                public partial class Adapted : nn.Module<Tensor, Tensor>
                {
                    [Lora(Targets = new[] { "*.q", "*.v", "proj" }, Rank = 4, Alpha = 8)] private readonly Encoder encoder;
                    [Lora(Targets = new[] { "**" }, Dropout = 0.1)] private readonly Sequential mlp;
                    [Lora, LearningRate(1e-2)] private readonly Linear head;

                    public Adapted() : base(nameof(Adapted))
                    {
                        encoder = new Encoder();
                        mlp = nn.Sequential(nn.Linear(8, 8), nn.ReLU());
                        head = nn.Linear(8, 2);
                        RegisterComponents();
                    }

                    public override Tensor forward(Tensor input) => head.call(mlp.forward(encoder.call(input)));
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        Assert.Empty(run.CompilationProblems.Select(d => d.ToString()));
        Snapshot.Verify(run, nameof(LoraFields));
    }

    [Fact]
    public void AT0015_LoraOnAFieldThatCannotBeALinear()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class NotLinear : nn.Module<Tensor, Tensor>
            {
                [{|AT0015:Lora|}] private readonly Sequential body = null!;
                [Lora] private readonly nn.Module<Tensor, Tensor> anyModule = null!;   // could hold a Linear: run time decides
                [Lora(Targets = new[] { "0" })] private readonly Sequential fine = null!;
                private readonly Linear head = null!;
            {{Module("NotLinear")}}
                public override Tensor forward(Tensor input) => head.call(fine.call(anyModule.call(body.call(input))));
            }
            """);
        Assert.Contains("[Lora] on field 'body' has no Targets, so it would adapt the field itself, but its type 'TorchSharp.Modules.Sequential' cannot hold a Linear", Message(run, "AT0015"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0016_InvalidRankAlphaOrDropout()
    {
        var run = AssertDiagnostics($$"""
            [FineTune]
            public partial class BadValues : nn.Module<Tensor, Tensor>
            {
                [Lora(Rank = {|AT0016:0|}, Alpha = {|AT0016:-1|}, Dropout = {|AT0016:1.0|})] private readonly Linear a = null!;
                [Lora(Alpha = {|AT0016:double.PositiveInfinity|}, Dropout = {|AT0016:-0.1|})] private readonly Linear b = null!;
                [Lora(Rank = 1, Alpha = 0.5, Dropout = 0.99)] private readonly Linear c = null!;
            {{Module("BadValues")}}
                public override Tensor forward(Tensor input) => c.call(b.call(a.call(input)));
            }
            """);
        var messages = Snapshot.FormatDiagnostics(run.GeneratorDiagnostics);
        Assert.Contains("[Lora] Rank on field 'a' is 0, but it must be at least 1", messages, StringComparison.Ordinal);
        Assert.Contains("[Lora] Alpha on field 'b' is double.PositiveInfinity, but it must be a finite number greater than 0", messages, StringComparison.Ordinal);
        Assert.Contains("[Lora] Dropout on field 'a' is 1, but it must be a number in [0, 1)", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0017_FrozenAndAdapted()
    {
        AssertDiagnostics($$"""
            [FineTune]
            public partial class FrozenLora : nn.Module<Tensor, Tensor>
            {
                [Freeze, {|AT0017:Lora|}] private readonly Linear a = null!;
                private readonly Linear head = null!;
            {{Module("FrozenLora")}}
                public override Tensor forward(Tensor input) => head.call(a.call(input));
            }
            """);
    }

    [Fact]
    public void AT0018_PatternsThatMatchNoLinear()
    {
        var run = AssertDiagnostics(Blocks + $$"""

            public sealed class Mixed : nn.Module<Tensor, Tensor>
            {
                private readonly Sequential seq = null!;   // its contents are known at run time only
                private readonly Linear output = null!;
                public Mixed() : base("Mixed") { RegisterComponents(); }
                public override Tensor forward(Tensor input) => output.call(seq.call(input));
            }

            [FineTune]
            public partial class Targets : nn.Module<Tensor, Tensor>
            {
                [Lora(Targets = new[] { "seq.5", "out*" })] private readonly Mixed mixed = null!;
                [Lora(Targets = new[] { "*.q", {|AT0018:"*.query"|}, {|AT0018:"first.norm"|}, "**.v", {|AT0018:"a..b"|} })] private readonly Encoder encoder = null!;
                [Lora(Targets = new[] { "anything.goes" })] private readonly Sequential opaque = null!;   // contents known at run time only
                [Lora(Targets = new[] { {|AT0018:"x"|} })] private readonly Linear head = null!;
            {{Module("Targets")}}
                public override Tensor forward(Tensor input) => head.call(opaque.call(mixed.call(encoder.call(input))));
            }
            """);
        var messages = Snapshot.FormatDiagnostics(run.GeneratorDiagnostics);
        Assert.Contains("LoRA target pattern '*.query' on field 'encoder' matches no Linear layer of 'Encoder' (its Linear layers: first.q, first.k, first.v, second.q, second.k, second.v, proj)", messages, StringComparison.Ordinal);
        Assert.Contains("'a..b' on field 'encoder' has an empty segment", messages, StringComparison.Ordinal);
        Assert.Contains("'x' on field 'head' matches nothing: 'head' is itself a Linear", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void AT0019_AdaptedLayerInvokedWithForward()
    {
        var run = AssertDiagnostics($$"""
            public sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = null!, other = null!;
                public Block() : base("Block") { RegisterComponents(); }
                public override Tensor forward(Tensor input) => other.forward({|AT0019:fc.forward|}(input));
            }

            [FineTune]
            public partial class ByForward : nn.Module<Tensor, Tensor>
            {
                [Lora] private readonly Linear head = null!;
                [Lora] private readonly Linear fine = null!;
                [Lora(Targets = new[] { "fc" })] private readonly Block block = null!;
                private readonly Linear plain = null!;
            {{Module("ByForward")}}
                public override Tensor forward(Tensor input)
                    => {|AT0019:this.head.forward|}(fine.call(plain.forward(block.call(input))));
            }
            """);
        Assert.Contains("'this.head.forward(...)' skips TorchSharp's forward hooks, so the LoRA adapter of 'head' would never apply. Call 'this.head.call(...)' instead.", Snapshot.FormatDiagnostics(run.GeneratorDiagnostics), StringComparison.Ordinal);
        Assert.Contains("adapter of 'block.fc'", Snapshot.FormatDiagnostics(run.GeneratorDiagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public void LoraWithoutFineTuneAndOnAPropertyUseTheFieldAttributeDiagnostics()
    {
        AssertDiagnostics($$"""
            public class NoFineTune : nn.Module<Tensor, Tensor>
            {
                [{|AT0014:Lora|}] private readonly Linear a = null!;
            {{Module("NoFineTune")}}
                public override Tensor forward(Tensor input) => a.call(input);
            }

            [FineTune]
            public partial class OnProperty : nn.Module<Tensor, Tensor>
            {
                [{|AT0005:Lora|}] public Linear Head { get; set; } = null!;
                private readonly Linear body = null!;
            {{Module("OnProperty")}}
                public override Tensor forward(Tensor input) => body.call(input);
            }
            """);
    }
}
