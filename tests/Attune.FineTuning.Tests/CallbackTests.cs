using System.Globalization;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>User callbacks (<see cref="FineTuneOptions.Callbacks"/>): the events' order and counts, the state they see,
/// stopping on their own rule (and that a resume remembers it), logging to their own sink, and resume restoring the
/// one <see cref="TrainerState"/> bit-identically.</summary>
public class CallbackTests
{
    public CallbackTests() => Torch.Init();

    private static readonly LabeledTensors Train = Data.Classification(32);        // 4 batches of 8
    private static readonly LabeledTensors Validation = Data.Classification(16, seed: 3);

    /// <summary>Writes one line per event, with the state it saw.</summary>
    private sealed class Recorder(List<string> sink) : FineTuneCallback
    {
        public TrainerState? Final { get; private set; }
        public override void OnTrainBegin(TrainerState state, FineTuneControl control) => sink.Add($"train-begin epochs={state.CompletedEpochs}");
        public override void OnEpochBegin(TrainerState state, FineTuneControl control) => sink.Add($"epoch-begin {state.Epoch}");
        public override void OnStepEnd(TrainerState state, FineTuneControl control) => sink.Add($"step {state.Epoch}.{state.StepInEpoch} global={state.GlobalStep}");
        public override void OnEpochEnd(TrainerState state, FineTuneControl control) => sink.Add($"epoch-end {state.Epoch} history={state.History.Count} stop={control.ShouldStop}");
        public override void OnTrainEnd(TrainerState state) { Final = state; sink.Add($"train-end {state.StopReason}"); }
    }

    private sealed class StopAfterSteps(long steps) : FineTuneCallback
    {
        public override void OnStepEnd(TrainerState state, FineTuneControl control)
        {
            if (state.GlobalStep >= steps) control.StopTraining($"{steps} steps are enough");
        }
    }

    [Fact]
    public void A_user_callback_gets_every_event_in_order_after_the_built_in_ones()
    {
        var lines = new List<string>();
        // The built-in progress callback writes to the same list: it must come before the user's callback at every event.
        var progress = new InlineProgress(p => lines.Add(p.Phase == FineTunePhase.Training ? $"progress step {p.Step}" : $"progress epoch {p.Epoch}"));
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, AccumulationSteps = 2, Callbacks = [new Recorder(lines)] };

        var report = new TinyNet().Fit(Train, Validation, options, progress);

        var expected = new List<string> { "train-begin epochs=0" };
        long global = 0;
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            expected.Add($"epoch-begin {epoch}");
            for (int step = 1; step <= 2; step++) // 4 batches, 2 per optimizer step
            {
                global++;
                expected.Add($"progress step {global}");
                expected.Add($"step {epoch}.{step} global={global}");
            }
            expected.Add($"progress epoch {epoch}");
            expected.Add($"epoch-end {epoch} history={epoch} stop=False");
        }
        expected.Add("train-end Completed");
        Assert.Equal(expected, lines);
        Assert.Equal(6, report.TotalSteps);
    }

    [Fact]
    public void A_callback_that_stops_after_n_steps_ends_the_epoch_there_validates_it_and_the_report_says_why()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        var lines = new List<string>();
        var model = new TinyNet();
        var options = new FineTuneOptions { Epochs = 4, BatchSize = 8, CheckpointDirectory = dir.Path, Callbacks = [new StopAfterSteps(6), new Recorder(lines)] };

        var report = model.Fit(Train, Validation, options, logger: logger);

        Assert.Equal(StopReason.StoppedByCallback, report.StopReason);
        Assert.Equal("6 steps are enough", report.StopMessage);
        Assert.Equal(6, report.TotalSteps);
        Assert.Equal(new long[] { 4, 2 }, report.Epochs.Select(e => e.Steps));       // epoch 2 ended after its 2nd step
        Assert.Contains("step 2.2 global=6", lines);
        Assert.DoesNotContain("step 2.3 global=7", lines);
        Assert.Contains("epoch-end 2 history=2 stop=True", lines);                    // still validated: later callbacks see the stop
        Assert.Equal("train-end StoppedByCallback", lines[^1]);
        Assert.Contains(logger.Lines, l => l.Message.StartsWith("Fine-tune ended (StoppedByCallback: 6 steps are enough)", StringComparison.Ordinal));
        Assert.True(File.Exists(report.LastCheckpoint));

        // resume.bin recorded the stop and its reason: resuming trains nothing more and says the same.
        var again = new TinyNet().Fit(Train, Validation, options with { Resume = true, Callbacks = [] });
        Assert.Equal((StopReason.StoppedByCallback, "6 steps are enough", 6L, 2), (again.StopReason, again.StopMessage, again.TotalSteps, again.Epochs.Count));
    }

    [Fact]
    public void A_user_callback_runs_after_early_stopping_and_the_first_stop_wins()
    {
        // Epoch 2 does not improve on epoch 1, so early stopping (Patience = 1) asks to stop after epoch 2.
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, Metric = Metric.Custom, MetricDirection = Direction.Maximize, Patience = 1 };
        Func<Tensor, Tensor, double> Scripted()
        {
            int call = 0;
            var metrics = new[] { 0.5, 0.4, 0.9 };
            return (_, _) => metrics[Math.Min(call++, metrics.Length - 1)];
        }

        var seen = new List<bool>();
        var early = new TinyNet { CustomMetric = Scripted() }.Fit(Train, Validation, options with { Callbacks = [new WatchStop(seen)] });
        Assert.Equal(new[] { false, true }, seen);  // at epoch 2 the user's callback already sees early stopping's request
        Assert.Equal(StopReason.EarlyStopped, early.StopReason);   // its own later request did not replace it
        Assert.Equal("no improvement in 1 epoch(s) (Patience = 1); the best was epoch 1", early.StopMessage);

        seen.Clear();
        var first = new TinyNet { CustomMetric = Scripted() }.Fit(Train, Validation, options with { Callbacks = [new StopEveryEpoch(seen)] });
        Assert.Equal(new[] { false }, seen);
        Assert.Equal((StopReason.StoppedByCallback, "one epoch is enough", 1), (first.StopReason, first.StopMessage, first.Epochs.Count));
    }

    private sealed class StopEveryEpoch(List<bool> seen) : FineTuneCallback
    {
        public override void OnEpochEnd(TrainerState state, FineTuneControl control)
        {
            seen.Add(control.ShouldStop);
            control.StopTraining("one epoch is enough");
        }
    }

    private sealed class WatchStop(List<bool> seen) : FineTuneCallback
    {
        public override void OnEpochEnd(TrainerState state, FineTuneControl control)
        {
            seen.Add(control.ShouldStop);
            if (control.ShouldStop) control.StopTraining("too late: early stopping asked first");
        }
    }

    [Fact]
    public void A_stop_asked_for_before_training_trains_nothing()
    {
        var model = new TinyNet();
        var before = model.Snapshot();
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 8, Callbacks = [new StopAtBegin()] };

        var report = model.Fit(Train, Validation, options);

        Assert.Equal((StopReason.StoppedByCallback, "not today", 0L, 0), (report.StopReason, report.StopMessage, report.TotalSteps, report.Epochs.Count));
        foreach (var (name, tensor) in model.state_dict()) Assert.True(Data.SameBits(before[name], tensor), name);
    }

    private sealed class StopAtBegin : FineTuneCallback
    {
        public override void OnTrainBegin(TrainerState state, FineTuneControl control) => control.StopTraining("not today");
    }

    /// <summary>Logs to a sink of its own (here a TextWriter): a CSV line per step and per epoch.</summary>
    private sealed class CsvLog(TextWriter writer) : FineTuneCallback
    {
        public override void OnStepEnd(TrainerState state, FineTuneControl control)
            => writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step,{state.GlobalStep},{state.StepLoss:R},{state.LearningRate:R}"));

        public override void OnEpochEnd(TrainerState state, FineTuneControl control)
        {
            var e = state.History[^1];
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch,{e.Epoch},{e.ValidationLoss:R},{e.Metric:R},{state.BestEpoch}"));
        }
    }

    [Fact]
    public void A_callback_logs_to_its_own_sink_the_figures_the_progress_reports_and_the_report_give()
    {
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        var reports = new List<FineTuneProgress>();
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 8, Schedule = LrSchedule.Linear, Callbacks = [new CsvLog(csv)] };

        var report = new TinyNet().Fit(Train, Validation, options, new InlineProgress(reports.Add));

        var rows = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        var steps = rows.Where(r => r[0] == "step").ToList();
        var training = reports.Where(p => p.Phase == FineTunePhase.Training).ToList();
        Assert.Equal(8, steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            Assert.Equal(training[i].Step, long.Parse(steps[i][1], CultureInfo.InvariantCulture));
            Assert.Equal(training[i].Loss, double.Parse(steps[i][2], CultureInfo.InvariantCulture));
            Assert.Equal(training[i].LearningRate, double.Parse(steps[i][3], CultureInfo.InvariantCulture));
        }
        var epochs = rows.Where(r => r[0] == "epoch").ToList();
        Assert.Equal(report.Epochs.Select(e => (e.Epoch, e.ValidationLoss, e.Metric)),
            epochs.Select(r => (int.Parse(r[1], CultureInfo.InvariantCulture), double.Parse(r[2], CultureInfo.InvariantCulture), double.Parse(r[3], CultureInfo.InvariantCulture))));
        Assert.Equal(report.BestEpoch, int.Parse(epochs[^1][4], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_trainer_state_as_the_uninterrupted_one()
    {
        using var whole = new TempDir();
        using var parts = new TempDir();
        var options = new FineTuneOptions { Epochs = 4, BatchSize = 8, Schedule = LrSchedule.Cosine, Patience = 3, Seed = 5 };
        var reference = new Recorder(new List<string>());
        torch.manual_seed(1);
        new TinyNet { FreezeBackbone = false }.Fit(Train, Validation, options with { CheckpointDirectory = whole.Path, Callbacks = [reference] });

        using var cts = new CancellationTokenSource();
        torch.manual_seed(1);
        var interrupted = new TinyNet { FreezeBackbone = false }.Fit(Train, Validation, options with { CheckpointDirectory = parts.Path, Callbacks = [new CancelAfterEpoch(2, cts)] }, token: cts.Token);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);
        var resumed = new Recorder(new List<string>());
        torch.manual_seed(99);
        new TinyNet { FreezeBackbone = false }.Fit(Train, Validation, options with { CheckpointDirectory = parts.Path, Resume = true, Callbacks = [resumed] });

        var a = reference.Final!;
        var b = resumed.Final!;
        Assert.Equal((0, 2), (a.ResumedFromEpoch, b.ResumedFromEpoch));
        Assert.Equal((a.Epoch, a.GlobalStep, a.StepInEpoch, a.BestEpoch, a.EpochsWithoutImprovement, a.NonFiniteSteps, a.NonFiniteInARow, a.StopReason, a.StopMessage),
            (b.Epoch, b.GlobalStep, b.StepInEpoch, b.BestEpoch, b.EpochsWithoutImprovement, b.NonFiniteSteps, b.NonFiniteInARow, b.StopReason, b.StopMessage));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.BestMetric), BitConverter.DoubleToInt64Bits(b.BestMetric));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.StepLoss), BitConverter.DoubleToInt64Bits(b.StepLoss));
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.LearningRate), BitConverter.DoubleToInt64Bits(b.LearningRate));
        // Every epoch's figures but its duration, to the bit.
        Assert.Equal(a.History.Select(e => e with { Duration = default }), b.History.Select(e => e with { Duration = default }));
    }

    internal sealed class CancelAfterEpoch(int epoch, CancellationTokenSource cts) : FineTuneCallback
    {
        public override void OnEpochEnd(TrainerState state, FineTuneControl control)
        {
            if (state.Epoch == epoch) cts.Cancel();
        }
    }

    [Fact]
    public void Without_progress_TensorBoard_or_user_callbacks_a_step_has_no_hook_to_call()
    {
        // The step path's whole cost then is one null check (the benchmark's configuration; no CheckpointDirectory, so no run record either).
        var none = BuiltInCallbacks.Create(new FineTuneOptions { Patience = 2 }, new TinyNet(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null, null, null, new Observer(_ => false), []);
        Assert.Null(none.StepHooks);
        var user = BuiltInCallbacks.Create(new FineTuneOptions { Callbacks = [new StopAfterSteps(1)] }, new TinyNet(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null, null, null, null, []);
        Assert.NotNull(user.StepHooks);
    }

    [Fact]
    public void A_null_callback_is_an_option_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Train, Validation, new FineTuneOptions { Callbacks = [null!] }));
        Assert.Contains("Callbacks[0] is null; expected a FineTuneCallback.", ex.Message, StringComparison.Ordinal);
    }
}
