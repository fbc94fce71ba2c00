using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Attune.FineTuning.Tests;

/// <summary>A body with a BatchNorm (running statistics) and dropout, and a head: the shape of a real fine-tune.</summary>
internal sealed class NormNet : nn.Module<Tensor, Tensor>
{
#pragma warning disable CA1051 // fields are what RegisterComponents reads
    public Sequential body;
    public Linear head;
#pragma warning restore CA1051

    public NormNet(double dropout = 0.0) : base(nameof(NormNet))
    {
        body = nn.Sequential(("fc", nn.Linear(4, 16)), ("bn", nn.BatchNorm1d(16)), ("act", nn.ReLU()), ("drop", nn.Dropout(dropout)));
        head = nn.Linear(16, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => head.call(body.call(input));

    public BatchNorm1d Norm => (BatchNorm1d)body[1];

    public Dictionary<string, Tensor> Snapshot()
    {
        using var _ = torch.no_grad();
        return state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }
}

public class GradualUnfreezingTests
{
    public GradualUnfreezingTests() => Torch.Init();

    private static bool Same(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b, string prefix)
        => a.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).All(k => Data.SameBits(a[k], b[k]));

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void A_field_frozen_until_epoch_3_is_bit_identical_through_epoch_2_and_trains_in_epoch_3(OptimizerKind optimizer)
    {
        torch.manual_seed(3);
        var model = new TinyNet();
        var plan = new FineTunePlan("TinyNet", new[]
        {
            FieldRule.For("backbone", model.backbone, unfreezeAtEpoch: 3),
            FieldRule.For("head", model.head),
        });
        var before = model.Snapshot();
        var afterEpoch = new List<Dictionary<string, Tensor>>();
        var observer = new Observer(_ => { afterEpoch.Add(model.Snapshot()); return false; });
        var logger = new ListLogger();
        // Weight decay on: AdamW's decoupled decay would move a parameter the optimizer holds if it did not skip
        // parameters without a gradient.
        var options = new FineTuneOptions { Epochs = 4, BatchSize = 8, LearningRate = 1e-2, WeightDecay = 0.1, Optimizer = optimizer, Seed = 7 };

        var report = FineTuner.Run(model, plan, Data.Classification(48), Data.Classification(16, seed: 3), options, logger: logger, trial: observer);

        Assert.True(Same(before, afterEpoch[0], "backbone."), "epoch 1 moved the frozen backbone");
        Assert.True(Same(before, afterEpoch[1], "backbone."), "epoch 2 moved the frozen backbone");
        Assert.False(Data.SameBits(afterEpoch[1]["backbone.fc.weight"], afterEpoch[2]["backbone.fc.weight"]), "epoch 3 did not train the backbone");
        Assert.False(Data.SameBits(afterEpoch[2]["backbone.fc.weight"], afterEpoch[3]["backbone.fc.weight"]));
        Assert.False(Same(before, afterEpoch[0], "head."), "the head trains from epoch 1");
        Assert.All(model.backbone.parameters(), p => Assert.True(p.requires_grad));

        var unfrozen = Assert.Single(report.Unfrozen);
        Assert.Equal(new FieldUnfrozen("backbone", 3, 4 * 8 + 8), unfrozen);
        Assert.Equal(4 * 8 + 8 + 8 * 3 + 3, report.TrainableParameters); // at the end of the run
        Assert.Equal(0, report.FrozenParameters);
        Assert.Contains(logger.Lines, l => l.Message.Contains("field backbone is frozen until epoch 3", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Message.StartsWith("Field backbone unfrozen at epoch 3: 40 weights", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unfreeze_epoch_beyond_the_run_keeps_the_field_frozen_and_warns()
    {
        var model = new TinyNet();
        var plan = new FineTunePlan("TinyNet", new[] { FieldRule.For("backbone", model.backbone, unfreezeAtEpoch: 5), FieldRule.For("head", model.head) });
        var before = model.Snapshot();
        var logger = new ListLogger();
        var report = FineTuner.Run(model, plan, Data.Classification(32), Data.Classification(16, seed: 3), new FineTuneOptions { Epochs = 2, BatchSize = 8 }, logger: logger);
        Assert.Empty(report.Unfrozen);
        Assert.True(Data.SameBits(before["backbone.fc.weight"], model.backbone.state_dict()["fc.weight"]));
        Assert.Contains(logger.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("after the run's last epoch 2", StringComparison.Ordinal));
    }

    /// <summary>Two scalar parameters that see the same gradient: their updates differ only by their rates.</summary>
    private sealed class Twin : nn.Module<Tensor, Tensor>
    {
#pragma warning disable CA1051
        public Parameter a;
        public Parameter b;
#pragma warning restore CA1051
        public Twin() : base(nameof(Twin))
        {
            a = nn.Parameter(torch.ones(1));
            b = nn.Parameter(torch.ones(1));
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => (x * a + x * b).squeeze(1);
    }

    [Theory]
    [InlineData(1e-2)]
    [InlineData(1e-1)]
    public void A_learning_rate_scale_multiplies_the_base_rate_whatever_it_is(double baseRate)
    {
        var probe = new Twin();
        var plan = new FineTunePlan("Twin", new[] { FieldRule.For("a", probe.a), FieldRule.For("b", probe.b, learningRateScale: 0.1) });
        using var x = torch.ones(4, 1);
        using var y = torch.zeros(4);
        var data = new LabeledTensors(x, y);
        var options = new FineTuneOptions { Epochs = 1, BatchSize = 4, LearningRate = baseRate, Optimizer = OptimizerKind.Sgd, Momentum = 0, Loss = Loss.Mse, Metric = Metric.Mse, Shuffle = false };

        FineTuner.Run(probe, plan, data, data, options);

        // SGD without momentum, one step: Δ = lr·g with the same g (= 2·(a+b)·x² = 4) for both parameters.
        double da = 1 - probe.a.item<float>(), db = 1 - probe.b.item<float>();
        Assert.Equal(baseRate * 4, da, 5);
        Assert.Equal(0.1, db / da, 4);
    }

    [Fact]
    public void Scales_and_unfreeze_epochs_are_checked_when_a_rule_is_made()
    {
        var model = new TinyNet();
        Assert.Contains("expected 0 (stays frozen) or an epoch of at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => FieldRule.For("backbone", model.backbone, unfreezeAtEpoch: 1)).Message);
        Assert.Contains("expected a finite number greater than 0", Assert.Throws<ArgumentOutOfRangeException>(() => FieldRule.For("head", model.head, learningRateScale: 0)).Message);
        Assert.Contains("both a learning rate and a learning-rate scale", Assert.Throws<ArgumentException>(() => FieldRule.For("head", model.head, learningRate: 1e-3, learningRateScale: 0.5)).Message);
        Assert.True(FieldRule.For("backbone", model.backbone, unfreezeAtEpoch: 2).Frozen);
    }

    [Fact]
    public void BatchNorm_in_a_frozen_field_keeps_its_running_statistics()
    {
        torch.manual_seed(1);
        var model = new NormNet();
        var plan = new FineTunePlan("NormNet", new[] { FieldRule.For("body", model.body, frozen: true), FieldRule.For("head", model.head) });
        var before = model.Snapshot();
        var logger = new ListLogger();
        bool normTrainingDuringSteps = true;
        var progress = new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) normTrainingDuringSteps &= !model.Norm.training; });

        FineTuner.Run(model, plan, Data.Classification(48), Data.Classification(16, seed: 3), new FineTuneOptions { Epochs = 2, BatchSize = 8, Seed = 2 }, progress, logger);

        Assert.True(normTrainingDuringSteps, "the frozen field's BatchNorm was in train mode during a step");
        foreach (var key in new[] { "body.bn.running_mean", "body.bn.running_var", "body.bn.num_batches_tracked", "body.bn.weight", "body.fc.weight" })
            Assert.True(Data.SameBits(before[key], model.state_dict()[key]), key);
        Assert.False(Data.SameBits(before["head.weight"], model.head.weight!));
        Assert.Contains(logger.Lines, l => l.Message.Contains("field body: 1 normalization layer(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void BatchNorm_statistics_move_once_its_field_unfreezes()
    {
        torch.manual_seed(1);
        var model = new NormNet();
        var plan = new FineTunePlan("NormNet", new[] { FieldRule.For("body", model.body, unfreezeAtEpoch: 2), FieldRule.For("head", model.head) });
        var before = model.Snapshot();
        var afterEpoch = new List<Dictionary<string, Tensor>>();
        var observer = new Observer(_ => { afterEpoch.Add(model.Snapshot()); return false; });

        FineTuner.Run(model, plan, Data.Classification(48), Data.Classification(16, seed: 3), new FineTuneOptions { Epochs = 2, BatchSize = 8, Seed = 2 }, trial: observer);

        Assert.True(Data.SameBits(before["body.bn.running_mean"], afterEpoch[0]["body.bn.running_mean"]));
        Assert.True(Data.SameBits(before["body.bn.num_batches_tracked"], afterEpoch[0]["body.bn.num_batches_tracked"]));
        Assert.False(Data.SameBits(afterEpoch[0]["body.bn.running_mean"], afterEpoch[1]["body.bn.running_mean"]));
        Assert.Equal(6L, afterEpoch[1]["body.bn.num_batches_tracked"].item<long>()); // 48 / 8 steps of epoch 2
    }

    [Fact]
    public void Epoch_one_with_every_field_frozen_is_refused_naming_the_later_unfreeze()
    {
        var model = new TinyNet();
        var plan = new FineTunePlan("TinyNet", new[] { FieldRule.For("backbone", model.backbone, frozen: true), FieldRule.For("head", model.head, unfreezeAtEpoch: 2) });
        var data = Data.Classification(16);
        var ex = Assert.Throws<ArgumentException>(() => FineTuner.Run(model, plan, data, data, new FineTuneOptions { Epochs = 2 }));
        Assert.Contains("nothing to train in epoch 1", ex.Message);
        Assert.Contains("head unfreezes at epoch 2", ex.Message);
    }
}
