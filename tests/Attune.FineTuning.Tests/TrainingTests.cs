using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Attune.FineTuning.Tests;

public class TrainingTests
{
    public TrainingTests() => Torch.Init();

    private static readonly FineTuneOptions Fast = new() { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, Seed = 7 };

    [Fact]
    public void Frozen_backbone_stays_bit_identical_while_the_head_learns()
    {
        var train = Data.Classification(64);
        var validation = Data.Classification(32, seed: 3);
        var model = new TinyNet();
        var before = model.Snapshot();

        var report = model.Fit(train, validation, Fast);

        Assert.True(Data.SameBits(before["backbone.fc.weight"], model.backbone.state_dict()["fc.weight"]));
        Assert.True(Data.SameBits(before["backbone.fc.bias"], model.backbone.state_dict()["fc.bias"]));
        Assert.False(Data.SameBits(before["head.weight"], model.head.weight!));
        Assert.All(model.backbone.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(8 * 3 + 3, report.TrainableParameters);
        Assert.Equal(4 * 8 + 8, report.FrozenParameters);
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(3, report.Epochs.Count);
        Assert.Equal(3 * 8, report.TotalSteps);
        Assert.InRange(report.BestEpoch, 1, 3);
        Assert.Equal(report.Epochs[report.BestEpoch - 1].Metric, report.BestMetric);
    }

    /// <summary>Two scalar parameters that see exactly the same gradient: their updates differ only by their rates.</summary>
    private sealed class TwinProbe : nn.Module<Tensor, Tensor>
    {
#pragma warning disable CA1051
        public Parameter a;
        public Parameter b;
#pragma warning restore CA1051
        public TwinProbe() : base(nameof(TwinProbe))
        {
            a = nn.Parameter(torch.ones(1));
            b = nn.Parameter(torch.ones(1));
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => (x * a + x * b).squeeze(1);
    }

    [Fact]
    public void Per_field_learning_rates_reach_the_optimizer()
    {
        var probe = new TwinProbe();
        var plan = new FineTunePlan("TwinProbe", new[]
        {
            FieldRule.For("a", probe.a, learningRate: 1e-1),
            FieldRule.For("b", probe.b, learningRate: 1e-3),
        });
        using var x = torch.ones(4, 1);
        using var y = torch.zeros(4);
        var data = new LabeledTensors(x, y);
        var options = new FineTuneOptions { Epochs = 1, BatchSize = 4, Optimizer = OptimizerKind.Sgd, Momentum = 0, Loss = Loss.Mse, Metric = Metric.Mse, Shuffle = false };

        FineTuner.Run(probe, plan, data, data, options);

        // SGD without momentum: Δ = lr·g with the same g for both, so the ratio of the updates is the ratio of the rates.
        double da = 1 - probe.a.item<float>(), db = 1 - probe.b.item<float>();
        Assert.True(da > 0 && db > 0);
        Assert.Equal(100.0, da / db, 2);
    }

    [Fact]
    public void Optimizer_groups_carry_field_rates_and_the_default_group_the_options_rate()
    {
        var model = new TinyNet { FreezeBackbone = false, HeadLearningRate = 0.5 };
        var options = new FineTuneOptions { LearningRate = 1e-3, WeightDecay = 0.01 };
        var groups = ParameterGroups.Build(model, model.CreateFineTunePlan(), options);
        var (optimizer, controllers, baseRates) = OptimizerFactory.Create(groups.Groups, options);
        using (optimizer)
        {
            Assert.Equal(new[] { 1e-3, 0.5 }, controllers.Select(c => c.LearningRate));
            Assert.Equal(new[] { 1e-3, 0.5 }, baseRates);
            Assert.Equal(new[] { "(default)", "head" }, groups.Groups.Select(g => g.Name));
            Assert.Equal(2, groups.Groups[0].Parameters.Count); // the backbone's weight and bias
        }
    }

    [Fact]
    public void A_parameter_claimed_by_two_fields_is_a_clear_error()
    {
        var model = new TinyNet();
        var plan = new FineTunePlan("TinyNet", new[] { FieldRule.For("head", model.head, frozen: true), FieldRule.For("alsoHead", model.head, learningRate: 1) });
        var data = Data.Classification(16);
        var ex = Assert.Throws<ArgumentException>(() => FineTuner.Run(model, plan, data, data, Fast));
        Assert.Contains("'head.weight'", ex.Message);
        Assert.Contains("'head' and 'alsoHead'", ex.Message);
    }

    [Fact]
    public void Seeded_runs_reproduce_bit_for_bit()
    {
        var train = Data.Classification(48);
        var validation = Data.Classification(16, seed: 3);
        var options = Fast with { Shuffle = true, Seed = 11 };

        (Dictionary<string, Tensor> Weights, FineTuneReport Report) RunOnce()
        {
            torch.manual_seed(5); // same initial weights
            var model = new TinyNet { FreezeBackbone = false };
            var report = model.Fit(train, validation, options);
            return (model.Snapshot(), report);
        }

        var first = RunOnce();
        var second = RunOnce();
        Assert.Equal(first.Report.Epochs.Select(e => e.TrainLoss), second.Report.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.Report.Epochs.Select(e => e.ValidationLoss), second.Report.Epochs.Select(e => e.ValidationLoss));
        foreach (var key in first.Weights.Keys)
            Assert.True(Data.SameBits(first.Weights[key], second.Weights[key]), key);
    }

    [Fact]
    public void No_tensor_leaks_step_over_step()
    {
        var train = Data.Classification(300);
        var validation = Data.Classification(20, seed: 3);
        var model = new TinyNet { FreezeBackbone = true };
        var live = new Dictionary<long, long>();
        var progress = new InlineProgress(p =>
        {
            if (p.Phase == FineTunePhase.Training) live[p.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        });
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 2, LearningRate = 1e-3, MaxGradNorm = 1.0, Schedule = LrSchedule.Cosine, WarmupSteps = 10 };

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var report = model.Fit(train, validation, options, progress);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(300, report.TotalSteps);
        Assert.Equal(live[10], live[140]);   // within the first epoch
        Assert.Equal(live[10], live[160]);   // after an evaluation
        Assert.Equal(live[10], live[300]);
        Assert.Equal(before, after);         // optimizer state, best-weight copies and batches all freed
    }

    [Fact]
    public void Logs_the_plan_and_one_information_line_per_epoch()
    {
        var train = Data.Classification(32);
        var validation = Data.Classification(16, seed: 3);
        var logger = new ListLogger();
        new TinyNet().Fit(train, validation, Fast, logger: logger);

        var info = logger.Lines.Where(l => l.Level == LogLevel.Information).Select(l => l.Message).ToList();
        Assert.Contains(info, m => m.Contains("field backbone: 0 trainable, 40 frozen"));
        Assert.Contains(info, m => m.Contains("field head: 27 trainable, 0 frozen"));
        Assert.Equal(3, info.Count(m => m.StartsWith("Epoch ", StringComparison.Ordinal)));
        Assert.Contains(info, m => m.StartsWith("Epoch 2: train loss", StringComparison.Ordinal) && m.Contains("validation loss") && m.Contains("lr"));
    }

    [Fact]
    public void Progress_reports_every_step_and_every_evaluation()
    {
        var train = Data.Classification(20);
        var validation = Data.Classification(8, seed: 3);
        var seen = new List<FineTuneProgress>();
        new TinyNet().Fit(train, validation, Fast with { Epochs = 2 }, new InlineProgress(seen.Add));

        Assert.Equal(6, seen.Count(p => p.Phase == FineTunePhase.Training)); // 3 batches × 2 epochs
        Assert.Equal(2, seen.Count(p => p.Phase == FineTunePhase.Evaluated && p.Metric is not null));
        Assert.All(seen, p => Assert.Equal(6, p.TotalSteps));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), seen.Where(p => p.Phase == FineTunePhase.Training).Select(p => p.Step));
    }

    [Fact]
    public void Regression_with_mse_and_r2_learns()
    {
        var train = Data.Regression(128);
        var validation = Data.Regression(64, seed: 9);
        var model = new TinyNet(outputs: 1) { FreezeBackbone = false };
        var plan = new FineTunePlan("Squeezed", model.CreateFineTunePlan().Fields);
        var squeezed = new Squeeze(model);
        var report = FineTuner.Run(squeezed, plan, train, validation,
            new FineTuneOptions { Epochs = 10, BatchSize = 16, LearningRate = 2e-2, Loss = Loss.Mse, Metric = Metric.R2, Schedule = LrSchedule.Linear });
        Assert.Equal(Direction.Maximize, report.Direction);
        Assert.True(report.BestMetric > report.Epochs[0].Metric);
        Assert.True(report.BestMetric > 0.5, $"R² {report.BestMetric}");
    }

    private sealed class Squeeze : nn.Module<Tensor, Tensor>
    {
        private readonly TinyNet inner;
        public Squeeze(TinyNet inner) : base("Squeeze") { this.inner = inner; RegisterComponents(); }
        public override Tensor forward(Tensor x) => inner.call(x).squeeze(1);
    }
}
