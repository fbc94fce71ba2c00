using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class NonFiniteStepTests
{
    public NonFiniteStepTests() => Torch.Init();

    private static readonly LabeledTensors Train = Data.Classification(32);      // 4 steps per epoch in batches of 8
    private static readonly LabeledTensors Validation = Data.Classification(16, seed: 3);

    /// <summary>Cross-entropy that turns NaN on the training calls <paramref name="bad"/> picks (1-based; the dry batch
    /// and evaluation run without gradients and are not counted).</summary>
    private static Func<Tensor, Tensor, Tensor> NaNOn(Func<int, bool> bad)
    {
        int calls = 0;
        return (output, labels) =>
        {
            var loss = nn.functional.cross_entropy(output, labels);
            return torch.is_grad_enabled() && bad(++calls) ? loss * double.NaN : loss;
        };
    }

    [Fact]
    public void One_nan_batch_is_skipped_counted_and_training_goes_on()
    {
        var model = new TinyNet { FreezeBackbone = false, CustomLoss = NaNOn(call => call == 3) };
        var headAfter = new Dictionary<long, Tensor>();
        var reports = new List<FineTuneProgress>();
        var progress = new InlineProgress(p =>
        {
            if (p.Phase != FineTunePhase.Training) return;
            reports.Add(p);
            headAfter[p.Step] = model.head.weight!.detach().clone().DetachFromDisposeScope(); // progress runs inside the step's scope
        });
        var logger = new ListLogger();
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 8, LearningRate = 1e-2, Loss = Loss.Custom };

        var report = model.Fit(Train, Validation, options, progress, logger);

        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(8, report.TotalSteps);                      // the skipped step keeps its place in the schedule
        Assert.Equal(1, report.NonFiniteSteps);
        Assert.True(Data.SameBits(headAfter[2], headAfter[3]));  // step 3 applied no update
        Assert.False(Data.SameBits(headAfter[3], headAfter[4])); // and step 4 trained again
        Assert.True(double.IsNaN(reports[2].Loss));
        Assert.Equal(new long[] { 0, 0, 1, 1, 1, 1, 1, 1 }, reports.Select(p => p.NonFiniteSteps));
        Assert.All(report.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss))); // the skipped batch is not averaged in
        Assert.True(model.head.weight!.isfinite().all().item<bool>());
        var warning = Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("the loss was NaN at epoch 1, step 3", warning.Message);
        Assert.Contains("1 in a row, training stops at 5", warning.Message);
    }

    [Fact]
    public void Max_non_finite_steps_in_a_row_stop_training_across_an_epoch_boundary()
    {
        var model = new TinyNet { CustomLoss = NaNOn(call => call >= 3), CustomMetric = (_, _) => 0.5 };
        var options = new FineTuneOptions
        {
            Epochs = 4, BatchSize = 8, Loss = Loss.Custom, Metric = Metric.Custom, MetricDirection = Direction.Maximize, MaxNonFiniteSteps = 3,
        };
        var ex = Assert.Throws<TrainingDivergedException>(() => model.Fit(Train, Validation, options));

        Assert.Equal(2, ex.Epoch);   // steps 3 and 4 in epoch 1, step 5 = the first of epoch 2
        Assert.Equal(5, ex.Step);
        Assert.Contains("the loss became NaN at epoch 2, step 5 (step 1 of the epoch)", ex.Message);
        Assert.Contains("3 optimizer steps in a row with a non-finite loss or gradient (MaxNonFiniteSteps = 3; each was skipped, 3 in this run)", ex.Message);
        Assert.Contains("the weights of epoch 1", ex.Message);
    }

    [Fact]
    public void A_streak_of_non_finite_steps_goes_on_across_a_resume()
    {
        using var dir = new TempDir();
        var options = new FineTuneOptions
        {
            Epochs = 4, BatchSize = 8, Loss = Loss.Custom, Metric = Metric.Custom, MetricDirection = Direction.Maximize, MaxNonFiniteSteps = 3,
            CheckpointDirectory = dir.Path,
        };
        // Steps 3 and 4 (the end of epoch 1) are NaN; the run is interrupted after epoch 1, two in a row.
        var first = new TinyNet { CustomLoss = NaNOn(call => call >= 3), CustomMetric = (_, _) => 0.5 };
        using var cts = new CancellationTokenSource();
        var interrupted = first.Fit(Train, Validation, options, new InlineProgress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 1) cts.Cancel(); }), null, cts.Token);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);
        Assert.Equal(2, interrupted.NonFiniteSteps);

        // Resumed in a new process, its first step (step 5) is NaN too: the third in a row, as in a run never stopped.
        var resumed = new TinyNet { CustomLoss = NaNOn(call => call >= 1), CustomMetric = (_, _) => 0.5 };
        var ex = Assert.Throws<TrainingDivergedException>(() => resumed.Fit(Train, Validation, options with { Resume = true }));
        Assert.Equal((2, 5L), (ex.Epoch, ex.Step));
        Assert.Contains("(MaxNonFiniteSteps = 3; each was skipped, 3 in this run)", ex.Message);
    }

    [Fact]
    public void A_version_1_checkpoint_without_the_counters_still_resumes_with_them_at_zero()
    {
        using var dir = new TempDir();
        var options = new FineTuneOptions
        {
            Epochs = 4, BatchSize = 8, Loss = Loss.Custom, Metric = Metric.Custom, MetricDirection = Direction.Maximize, MaxNonFiniteSteps = 3,
            CheckpointDirectory = dir.Path,
        };
        var first = new TinyNet { CustomLoss = NaNOn(call => call >= 3), CustomMetric = (_, _) => 0.5 };
        using var cts = new CancellationTokenSource();
        first.Fit(Train, Validation, options, new InlineProgress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 1) cts.Cancel(); }), null, cts.Token);

        // Rewrite resume.bin as version 1 wrote it: format version 1, no counters (a long and an int) and no stop
        // message (a false flag, one byte) after the loop state, the hash over the rest.
        string path = Path.Combine(dir.Path, ResumeCheckpoint.FileName);
        ResumeFormat.Rewrite(path, version: 1, dropBeforeTensors: 8 + 4 + 1);

        var state = ResumeFormat.Read(path);
        Assert.Equal((1, 0L, 0), (state.CompletedEpochs, state.NonFiniteSteps, state.NonFiniteInARow));
        // Resumed from it, the streak starts again from zero: one NaN step no longer stops the run.
        var resumed = new TinyNet { CustomLoss = NaNOn(call => call == 1), CustomMetric = (_, _) => 0.5 };
        var report = resumed.Fit(Train, Validation, options with { Resume = true });
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(1, report.NonFiniteSteps);
    }

    [Fact]
    public void Non_finite_steps_that_are_not_in_a_row_do_not_stop_training()
    {
        // Every other step is NaN: 4 skipped in all, never 2 in a row.
        var model = new TinyNet { CustomLoss = NaNOn(call => call % 2 == 0) };
        var report = model.Fit(Train, Validation, new FineTuneOptions { Epochs = 2, BatchSize = 8, Loss = Loss.Custom, MaxNonFiniteSteps = 2 });
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(4, report.NonFiniteSteps);
        Assert.Equal(8, report.TotalSteps);
    }

    [Fact]
    public void A_nan_micro_batch_skips_its_whole_accumulation_window()
    {
        // Windows of two batches: training calls 1-2, 3-4, 5-6, 7-8. Call 3 is NaN: window 2 is skipped (call 4 still
        // runs its forward so the windows stay aligned with the data, but nothing is applied).
        var model = new TinyNet { FreezeBackbone = false, CustomLoss = NaNOn(call => call == 3) };
        var headAfter = new Dictionary<long, Tensor>();
        var progress = new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) headAfter[p.Step] = model.head.weight!.detach().clone().DetachFromDisposeScope(); });
        var report = model.Fit(Train, Validation, new FineTuneOptions { Epochs = 2, BatchSize = 8, AccumulationSteps = 2, Loss = Loss.Custom }, progress);

        Assert.Equal(4, report.TotalSteps);
        Assert.Equal(1, report.NonFiniteSteps);
        Assert.True(Data.SameBits(headAfter[1], headAfter[2]));
        Assert.False(Data.SameBits(headAfter[2], headAfter[3]));
    }

    [Fact]
    public void A_non_finite_gradient_with_a_finite_loss_is_caught_by_the_clipping_norm()
    {
        // sqrt(|0 · output|) is 0 going forward, but its backward is 0 · ∞ = NaN: a finite loss with NaN gradients.
        int calls = 0;
        Tensor Loss(Tensor output, Tensor labels)
        {
            var loss = nn.functional.cross_entropy(output, labels);
            if (torch.is_grad_enabled() && ++calls == 2) return loss + (output * 0).abs().sqrt().sum() * 0;
            return loss;
        }
        var model = new TinyNet { CustomLoss = Loss };
        var options = new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Attune.Loss.Custom, MaxGradNorm = 1.0, MaxNonFiniteSteps = 1 };

        var logger = new ListLogger();
        var ex = Assert.Throws<TrainingDivergedException>(() => model.Fit(Train, Validation, options, logger: logger));

        Assert.Equal(2, ex.Step);
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Error && l.Message == "Training diverged at epoch 1, step 2: gradient norm NaN");
        Assert.Contains("the gradient norm became NaN at epoch 1, step 2", ex.Message);
        Assert.Contains("MaxNonFiniteSteps is 1, so the first non-finite step stops training", ex.Message);
        Assert.True(model.head.weight!.isfinite().all().item<bool>());
    }

    [Fact]
    public void With_clipping_one_non_finite_gradient_is_skipped_and_training_continues()
    {
        int calls = 0;
        Tensor Loss(Tensor output, Tensor labels)
        {
            var loss = nn.functional.cross_entropy(output, labels);
            if (torch.is_grad_enabled() && ++calls == 2) return loss + (output * 0).abs().sqrt().sum() * 0;
            return loss;
        }
        var model = new TinyNet { CustomLoss = Loss };
        var report = model.Fit(Train, Validation, new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Attune.Loss.Custom, MaxGradNorm = 1.0 });
        Assert.Equal(1, report.NonFiniteSteps);
        Assert.True(model.head.weight!.isfinite().all().item<bool>());
        Assert.True(double.IsFinite(report.Epochs[0].TrainLoss));
    }
}
