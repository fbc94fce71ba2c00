using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class StoppingTests
{
    public StoppingTests() => Torch.Init();

    private static readonly LabeledTensors Train = Data.Classification(32);
    private static readonly LabeledTensors Validation = Data.Classification(16, seed: 3);

    /// <summary>A custom metric that returns a scripted sequence, one value per evaluation.</summary>
    private static Func<Tensor, Tensor, double> Scripted(params double[] values)
    {
        int call = 0;
        return (_, _) => values[Math.Min(call++, values.Length - 1)];
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_epoch()
    {
        var model = new TinyNet { FreezeBackbone = false, CustomMetric = Scripted(0.5, 0.8, 0.7, 0.6, 0.9) };
        var headAt = new Dictionary<int, Tensor>();
        var observer = new Observer(e => { headAt[e.Epoch] = model.head.weight!.detach().clone(); return false; });
        var options = new FineTuneOptions { Epochs = 5, BatchSize = 8, LearningRate = 1e-2, Metric = Metric.Custom, MetricDirection = Direction.Maximize, Patience = 2 };

        var report = model.Fit(Train, Validation, options, observer: observer);

        Assert.Equal(StopReason.EarlyStopped, report.StopReason);
        Assert.Equal(4, report.Epochs.Count);            // 0.7 and 0.6 do not beat 0.8: two bad epochs
        Assert.Equal(2, report.BestEpoch);
        Assert.Equal(0.8, report.BestMetric);
        Assert.False(Data.SameBits(headAt[2], headAt[4]));
        Assert.True(Data.SameBits(headAt[2], model.head.weight!)); // the model holds epoch 2's weights again
    }

    [Fact]
    public void Min_delta_counts_small_gains_as_no_improvement_and_minimize_direction_works()
    {
        var model = new TinyNet { CustomMetric = Scripted(1.0, 0.95, 0.92, 0.5) };
        var options = new FineTuneOptions { Epochs = 4, BatchSize = 8, Metric = Metric.Custom, MetricDirection = Direction.Minimize, Patience = 2, MinDelta = 0.1 };
        var report = model.Fit(Train, Validation, options);
        Assert.Equal(StopReason.EarlyStopped, report.StopReason);
        Assert.Equal(3, report.Epochs.Count);
        Assert.Equal(1, report.BestEpoch);
    }

    [Fact]
    public void Cancellation_mid_epoch_returns_a_cancelled_report_and_a_usable_model()
    {
        using var cts = new CancellationTokenSource();
        var model = new TinyNet();
        var progress = new InlineProgress(p => { if (p.Step == 5) cts.Cancel(); });
        var report = model.Fit(Data.Classification(64), Validation, new FineTuneOptions { Epochs = 3, BatchSize = 4 }, progress, token: cts.Token);

        Assert.Equal(StopReason.Cancelled, report.StopReason);
        Assert.True(report.Cancelled);
        Assert.Equal(5, report.TotalSteps);
        Assert.Empty(report.Epochs);
        Assert.Equal(0, report.BestEpoch);
        Assert.True(double.IsNaN(report.BestMetric));
        using var output = model.call(torch.ones(2, 4));
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void Cancellation_after_an_epoch_restores_the_best_weights()
    {
        using var cts = new CancellationTokenSource();
        var model = new TinyNet();
        Tensor? afterEpoch1 = null;
        var observer = new Observer(e => { afterEpoch1 = model.head.weight!.detach().clone(); return false; });
        var progress = new InlineProgress(p => { if (p.Phase == FineTunePhase.Training && p.Step == 6) cts.Cancel(); });
        var report = model.Fit(Train, Validation, new FineTuneOptions { Epochs = 3, BatchSize = 8 }, progress, token: cts.Token, observer: observer);

        Assert.Equal(StopReason.Cancelled, report.StopReason);
        Assert.Single(report.Epochs);
        Assert.Equal(1, report.BestEpoch);
        Assert.True(Data.SameBits(afterEpoch1!, model.head.weight!));
    }

    [Fact]
    public void An_observer_returning_true_prunes()
    {
        var report = new TinyNet().Fit(Train, Validation, new FineTuneOptions { Epochs = 5, BatchSize = 8 }, observer: new Observer(e => e.Epoch == 2));
        Assert.Equal(StopReason.Pruned, report.StopReason);
        Assert.Equal(2, report.Epochs.Count);
    }

    [Fact]
    public void A_nan_loss_throws_keeps_the_last_good_checkpoint_and_restores_the_best_weights()
    {
        using var dir = new TempDir();
        int trainingCalls = 0;
        // Counts only training steps (the dry batch and evaluation run without gradients); step 10 is in epoch 3.
        Tensor Loss(Tensor output, Tensor labels)
        {
            var loss = nn.functional.cross_entropy(output, labels);
            if (torch.is_grad_enabled() && ++trainingCalls == 10) return loss * double.NaN;
            return loss;
        }
        var model = new TinyNet { CustomLoss = Loss, CustomMetric = Scripted(0.5, 0.6) };
        // MaxNonFiniteSteps = 1: the first non-finite step stops training (the default skips a few; see NonFiniteStepTests).
        var options = new FineTuneOptions { Epochs = 5, BatchSize = 8, Loss = Attune.Loss.Custom, Metric = Metric.Custom, MetricDirection = Direction.Maximize, CheckpointDirectory = dir.Path, MaxNonFiniteSteps = 1 };

        var ex = Assert.Throws<TrainingDivergedException>(() => model.Fit(Train, Validation, options));

        Assert.Equal(3, ex.Epoch);
        Assert.Equal(10, ex.Step);
        Assert.Equal(Path.Combine(dir.Path, "best.bin"), ex.LastGoodCheckpoint);
        Assert.Contains("NaN", ex.Message);
        Assert.Contains("epoch 3, step 10", ex.Message);
        Assert.Contains("lower learning rate", ex.Message);
        Assert.Contains("MaxGradNorm", ex.Message);
        Assert.Contains(ex.LastGoodCheckpoint!, ex.Message);

        // The checkpoint is epoch 2's and loads; the model was put back to the same weights.
        Assert.Contains("\"epoch\": 2", File.ReadAllText(Path.Combine(dir.Path, "best.json")));
        var fresh = new TinyNet();
        fresh.LoadPretrained(ex.LastGoodCheckpoint!);
        Assert.True(Data.SameBits(fresh.head.weight!, model.head.weight!));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void A_huge_learning_rate_diverges_in_the_first_epoch_and_restores_the_initial_weights()
    {
        var model = new TinyNet { FreezeBackbone = false };
        var initial = model.Snapshot();
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 4, LearningRate = 1e30, Optimizer = OptimizerKind.Sgd, Momentum = 0 };
        var ex = Assert.Throws<TrainingDivergedException>(() => model.Fit(Train, Validation, options));
        Assert.Equal(1, ex.Epoch);
        Assert.Null(ex.LastGoodCheckpoint);
        Assert.Contains("before training", ex.Message);
        Assert.True(Data.SameBits(initial["head.weight"], model.head.weight!));
        Assert.True(Data.SameBits(initial["backbone.fc.weight"], model.backbone.state_dict()["fc.weight"]));
    }
}
