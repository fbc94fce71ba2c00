using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// Layer-wise rules on a stack of layers (<see cref="ILayeredModule"/>, as a transformer encoder is): learning-rate decay
/// from the top layer down, and unfreezing one layer per epoch from the top.
/// </summary>
public class LayerwiseRuleTests
{
    public LayerwiseRuleTests() => Torch.Init();

    [Fact]
    public void Layerwise_decay_gives_each_layer_below_the_top_the_decay_times_the_rate_above()
    {
        var model = new StackNet();
        var plan = new FineTunePlan("StackNet", new[]
        {
            FieldRule.For("stack", model.stack, layerDecay: 0.5),
            FieldRule.For("head", model.head),
        });
        var groups = ParameterGroups.Build(model, plan, new FineTuneOptions { LearningRate = 0.1 });

        Assert.Equal(new[] { "stack.top", "stack.middle", "stack.bottom", "head" }, plan.Fields.Select(f => f.FieldName));
        double RateOf(Parameter p) => groups.Groups.Single(g => g.Parameters.Any(q => q.Handle == p.Handle)).LearningRate;
        Assert.Equal(0.1, RateOf(model.stack.top.weight!), 12);
        Assert.Equal(0.1, RateOf(model.stack.norm.weight!), 12);      // in no layer: goes with the top one
        Assert.Equal(0.05, RateOf(model.stack.middle.weight!), 12);
        Assert.Equal(0.025, RateOf(model.stack.bottom.weight!), 12);
        Assert.Equal(0.1, RateOf(model.head.weight!), 12);
    }

    [Fact]
    public void Layerwise_decay_scales_a_fields_own_rate()
    {
        var model = new StackNet();
        var plan = new FineTunePlan("StackNet", new[] { FieldRule.For("stack", model.stack, learningRate: 0.2, layerDecay: 0.9), FieldRule.For("head", model.head) });
        var groups = ParameterGroups.Build(model, plan, new FineTuneOptions { LearningRate = 0.1 });
        double RateOf(Parameter p) => groups.Groups.Single(g => g.Parameters.Any(q => q.Handle == p.Handle)).LearningRate;
        Assert.Equal(0.2 * 0.81, RateOf(model.stack.bottom.weight!), 12);
    }

    [Fact]
    public void Layer_by_layer_unfreezing_starts_at_the_top_and_goes_down_one_layer_per_epoch()
    {
        torch.manual_seed(3);
        var model = new StackNet();
        var bottomBefore = model.stack.bottom.weight!.clone();
        var plan = new FineTunePlan("StackNet", new[]
        {
            FieldRule.For("stack", model.stack, unfreezeAtEpoch: 2, layerByLayer: true),
            FieldRule.For("head", model.head),
        });
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, Seed = 1 };
        var report = FineTuner.Run(model, plan, Data.Classification(32), Data.Classification(16, seed: 3), options);

        Assert.Equal(new[] { ("stack.top", 2), ("stack.middle", 3) }, report.Unfrozen.Select(u => (u.Field, u.Epoch)));
        Assert.True(Data.SameBits(bottomBefore, model.stack.bottom.weight!), "the bottom layer would unfreeze at epoch 4, after the run");
    }

    [Fact]
    public void Layer_rules_on_a_module_that_is_not_layered_are_refused_naming_the_field()
    {
        var model = new TinyNet();
        var ex = Assert.Throws<InvalidOperationException>(() => FieldRule.For("backbone", model.backbone, layerDecay: 0.8));
        Assert.Contains("Field 'backbone' has layer-wise rules (LayerwiseDecay)", ex.Message);
        Assert.Contains("does not implement Attune.ILayeredModule", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FieldRule.For("stack", new StackNet().stack, layerDecay: 1.5));
        Assert.Throws<ArgumentException>(() => FieldRule.For("stack", new StackNet().stack, layerByLayer: true));
    }
}

/// <summary>Three linear layers and a norm that belongs to none of them.</summary>
internal sealed class Stack : nn.Module<Tensor, Tensor>, ILayeredModule
{
#pragma warning disable IDE0044, CA1051 // fields are what RegisterComponents reads
    public Linear bottom, middle, top;
    public LayerNorm norm;
#pragma warning restore IDE0044, CA1051

    public Stack() : base(nameof(Stack))
    {
        bottom = nn.Linear(4, 8);
        middle = nn.Linear(8, 8);
        top = nn.Linear(8, 8);
        norm = nn.LayerNorm(8);
        RegisterComponents();
    }

    public IReadOnlyList<(string Name, nn.Module Module)> Layers => new (string, nn.Module)[] { ("bottom", bottom), ("middle", middle), ("top", top) };

    public override Tensor forward(Tensor x) => norm.call(top.call(middle.call(bottom.call(x).relu()).relu()));
}

internal sealed class StackNet : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE0044, CA1051
    public Stack stack;
    public Linear head;
#pragma warning restore IDE0044, CA1051

    public StackNet() : base(nameof(StackNet))
    {
        stack = new Stack();
        head = nn.Linear(8, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.call(stack.call(x));
}

/// <summary>Layer-wise decay on a LoRA-adapted stack: each layer's adapters train at that layer's decayed rate.</summary>
public class LayerwiseLoraTests
{
    public LayerwiseLoraTests() => Torch.Init();

    [Fact]
    public void Each_layers_adapters_get_the_layers_decayed_rate_and_base_weights_stay_frozen()
    {
        var model = new StackNet();
        var plan = new FineTunePlan("StackNet", new[]
        {
            FieldRule.For("stack", model.stack, layerDecay: 0.5).WithLora(new LoraSpec(rank: 2, alpha: 4, targets: new[] { "top", "bottom" })),
            FieldRule.For("head", model.head),
        });
        var groups = ParameterGroups.Build(model, plan, new FineTuneOptions { LearningRate = 0.1 });
        double? RateOf(Parameter p) => groups.Groups.SingleOrDefault(g => g.Parameters.Any(q => q.Handle == p.Handle))?.LearningRate;

        var top = LoraAdapter.Of(model.stack.top)!;
        var bottom = LoraAdapter.Of(model.stack.bottom)!;
        Assert.Equal(0.1, RateOf(top.A)!.Value, 12);
        Assert.Equal(0.025, RateOf(bottom.B)!.Value, 12);
        Assert.Null(RateOf(model.stack.top.weight!));      // base weights: frozen, in no group
        Assert.Null(RateOf(model.stack.middle.weight!));   // a layer no pattern names: frozen
        // Adapters: top (8 → 8) A [2, 8] + B [8, 2], bottom (4 → 8) A [2, 4] + B [8, 2]; and the head (8 → 3).
        Assert.Equal((2 * 8 + 8 * 2) + (2 * 4 + 8 * 2) + (8 * 3 + 3), groups.TrainableCount);
    }
}
