using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class ResumeTests
{
    public ResumeTests() => Torch.Init();

    /// <summary>A plan with everything a resume must carry: a field that unfreezes at epoch 3 (with BatchNorm and
    /// dropout in it), and a head with a scaled rate.</summary>
    private static FineTunePlan PlanFor(NormNet model) => new("Attune.FineTuning.Tests.NormNet", new[]
    {
        FieldRule.For("body", model.body, unfreezeAtEpoch: 3, learningRateScale: 0.5),
        FieldRule.For("head", model.head),
    });

    private static FineTuneOptions Options(OptimizerKind optimizer, string directory) => new()
    {
        Epochs = 5, BatchSize = 8, LearningRate = 1e-2, WeightDecay = 0.01, Optimizer = optimizer, Schedule = LrSchedule.Cosine,
        WarmupSteps = 4, Patience = 4, Seed = 21, Shuffle = true, CheckpointDirectory = directory,
    };

    private static (NormNet Model, FineTuneReport Report) Train(int initSeed, FineTuneOptions options, CancellationToken token = default,
        Func<FineTuneProgress, bool>? cancelAt = null, CancellationTokenSource? cts = null, ListLogger? logger = null)
    {
        torch.manual_seed(initSeed); // the initial weights; a resumed run overwrites them from the checkpoint
        var model = new NormNet(dropout: 0.3);
        var progress = cancelAt is null ? null : new InlineProgress(p => { if (cancelAt(p)) cts!.Cancel(); });
        // New data objects each time, as a restarted process would have.
        var report = FineTuner.Run(model, PlanFor(model), Data.Classification(40), Data.Classification(16, seed: 3), options, progress, logger, token);
        return (model, report);
    }

    private static void AssertSameWeights(NormNet expected, NormNet actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(Data.SameBits(a[key], b[key]), "differs: " + key);
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, 2, false)]
    [InlineData(OptimizerKind.Adam, 3, false)]
    [InlineData(OptimizerKind.Sgd, 2, false)]
    [InlineData(OptimizerKind.AdamW, 3, true)]
    public void An_interrupted_run_resumed_in_a_fresh_model_ends_bit_identical_to_the_uninterrupted_run(OptimizerKind optimizer, int interruptAfter, bool midEpoch)
    {
        using var whole = new TempDir();
        using var parts = new TempDir();
        var (reference, referenceReport) = Train(initSeed: 1, Options(optimizer, whole.Path));
        Assert.Equal(StopReason.Completed, referenceReport.StopReason);

        // Interrupt: by cancellation after an epoch, or in the middle of the next one (which is then lost and redone).
        using var cts = new CancellationTokenSource();
        long stepsPerEpoch = 5;
        Func<FineTuneProgress, bool> cancelAt = midEpoch
            ? p => p.Phase == FineTunePhase.Training && p.Step == interruptAfter * stepsPerEpoch + 2
            : p => p.Phase == FineTunePhase.Evaluated && p.Epoch == interruptAfter;
        var (_, interrupted) = Train(initSeed: 1, Options(optimizer, parts.Path), cts.Token, cancelAt, cts);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);
        Assert.Equal(interruptAfter, interrupted.Epochs.Count);

        // Restart: a new model object with different initial weights, new data objects, the same options plus Resume.
        var logger = new ListLogger();
        var (resumed, report) = Train(initSeed: 99, Options(optimizer, parts.Path) with { Resume = true }, logger: logger);

        AssertSameWeights(reference, resumed);
        Assert.True(report.Resumed);
        Assert.Equal(interruptAfter, report.ResumedFromEpoch);
        Assert.Equal(Path.Combine(parts.Path, "resume.bin"), report.ResumedFrom);
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(referenceReport.TotalSteps, report.TotalSteps);
        Assert.Equal(referenceReport.BestEpoch, report.BestEpoch);
        Assert.Equal(referenceReport.BestMetric, report.BestMetric);
        Assert.Equal(referenceReport.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps)),
            report.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps)));
        Assert.Equal(referenceReport.Unfrozen, report.Unfrozen);
        Assert.Contains(logger.Lines, l => l.Message.StartsWith($"Resumed Attune.FineTuning.Tests.NormNet from {report.ResumedFrom}: {interruptAfter} epoch(s)", StringComparison.Ordinal));
        Assert.False(referenceReport.Resumed);
        Assert.Equal(0, referenceReport.ResumedFromEpoch);
    }

    [Fact]
    public void Early_stopping_counters_survive_a_resume()
    {
        // MinDelta so large that no epoch after the first improves: with Patience 2 the run stops after epoch 3. A resumed
        // run that forgot the bad epoch counted before the interruption would stop one epoch later.
        using var whole = new TempDir();
        using var parts = new TempDir();
        var options = Options(OptimizerKind.AdamW, whole.Path) with { Patience = 2, MinDelta = 10 };
        var (reference, referenceReport) = Train(1, options);
        Assert.Equal(StopReason.EarlyStopped, referenceReport.StopReason);
        Assert.Equal(3, referenceReport.Epochs.Count);

        using var cts = new CancellationTokenSource();
        Train(1, options with { CheckpointDirectory = parts.Path }, cts.Token, p => p.Phase == FineTunePhase.Evaluated && p.Epoch == 2, cts);
        var (resumed, report) = Train(5, options with { CheckpointDirectory = parts.Path, Resume = true });

        Assert.Equal(StopReason.EarlyStopped, report.StopReason);
        Assert.Equal(3, report.Epochs.Count);
        Assert.Equal(1, report.BestEpoch);
        AssertSameWeights(reference, resumed);
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void TorchSharp_optimizer_state_round_trips_exactly_through_a_stream(OptimizerKind kind)
    {
        // Two copies of the same parameters; the first optimizer takes three steps, its state is saved and loaded into a
        // fresh optimizer over the second copy, then both take the same fourth step: the results must be the same bits.
        torch.manual_seed(4);
        using var data = torch.randn(8, 4);
        using var w0 = torch.randn(4, 3);
        var a = new TorchSharp.Modules.Parameter(w0.clone());
        var b = new TorchSharp.Modules.Parameter(w0.clone());
        optim.Optimizer Make(TorchSharp.Modules.Parameter p) => kind switch
        {
            OptimizerKind.AdamW => optim.AdamW(new[] { p }, lr: 0.01, weight_decay: 0.1),
            OptimizerKind.Adam => optim.Adam(new[] { p }, lr: 0.01, weight_decay: 0.1),
            _ => optim.SGD(new[] { p }, 0.01, momentum: 0.9, weight_decay: 0.1),
        };
        void Step(optim.Optimizer o, TorchSharp.Modules.Parameter p)
        {
            using var scope = torch.NewDisposeScope();
            o.zero_grad();
            data.matmul(p).pow(2).mean().backward();
            o.step();
        }

        using var first = Make(a);
        for (int i = 0; i < 3; i++) Step(first, a);
        using (var noGrad = torch.no_grad()) b.copy_(a);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ((TorchSharp.Modules.OptimizerHelper)first).save_state_dict(writer);
        stream.Position = 0;
        using var second = Make(b);
        using (var reader = new BinaryReader(stream))
            ((TorchSharp.Modules.OptimizerHelper)second).load_state_dict(reader);

        Step(first, a);
        Step(second, b);
        Assert.True(Data.SameBits(a, b));

        // Without the loaded state the fourth step differs (the test can fail).
        var c = new TorchSharp.Modules.Parameter(w0.clone());
        using var fresh = Make(c);
        for (int i = 0; i < 3; i++) Step(fresh, c);
        using var cold = Make(c);
        Step(cold, c);
        Assert.False(Data.SameBits(a, c));
    }

    [Fact]
    public void Resume_without_a_checkpoint_starts_fresh_and_says_so()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        var (_, report) = Train(1, Options(OptimizerKind.AdamW, dir.Path) with { Epochs = 2, Resume = true }, logger: logger);
        Assert.False(report.Resumed);
        Assert.Equal(2, report.Epochs.Count);
        Assert.Contains(logger.Lines, l => l.Message == $"Resume was requested but there is no checkpoint at {Path.Combine(dir.Path, "resume.bin")}; starting a fresh run");
        Assert.True(File.Exists(Path.Combine(dir.Path, "resume.bin")));
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_returns_its_report()
    {
        using var dir = new TempDir();
        var options = Options(OptimizerKind.AdamW, dir.Path) with { Epochs = 2 };
        var (first, report) = Train(1, options);
        var (again, resumedReport) = Train(7, options with { Resume = true });
        AssertSameWeights(first, again);
        Assert.Equal(StopReason.Completed, resumedReport.StopReason);
        Assert.Equal(2, resumedReport.ResumedFromEpoch);
        Assert.Equal(report.TotalSteps, resumedReport.TotalSteps);
        Assert.Equal(report.Epochs.Select(e => e.Metric), resumedReport.Epochs.Select(e => e.Metric));
    }

    [Fact]
    public void Different_options_or_plan_are_refused_naming_what_differs_and_the_checkpoint_is_kept()
    {
        using var dir = new TempDir();
        var options = Options(OptimizerKind.AdamW, dir.Path) with { Epochs = 2 };
        Train(1, options);
        string file = Path.Combine(dir.Path, "resume.bin");
        var bytes = File.ReadAllBytes(file);

        var ex = Assert.Throws<ResumeException>(() => Train(1, options with { Resume = true, BatchSize = 4, Optimizer = OptimizerKind.Sgd }));
        Assert.Equal(file, ex.Path);
        Assert.Contains("BatchSize: 8 in the checkpoint, 4 now", ex.Differences);
        Assert.Contains("Optimizer: AdamW in the checkpoint, Sgd now", ex.Differences);
        Assert.Contains("BatchSize: 8 in the checkpoint, 4 now", ex.Message);

        torch.manual_seed(1);
        var model = new NormNet(0.3);
        var otherPlan = new FineTunePlan("Attune.FineTuning.Tests.NormNet", new[] { FieldRule.For("body", model.body, frozen: true), FieldRule.For("head", model.head) });
        var planError = Assert.Throws<ResumeException>(() => FineTuner.Run(model, otherPlan, Data.Classification(40), Data.Classification(16, seed: 3), options with { Resume = true }));
        Assert.Contains("plan: the checkpoint has 'field body: frozen until epoch 3, learning-rate scale 0.5', this run does not", planError.Differences);
        Assert.Contains("plan: this run has 'field body: frozen', the checkpoint does not", planError.Differences);
        Assert.Contains("plan: the checkpoint has 'parameter body.fc.weight [16, 4] Float32: frozen until epoch 3', this run does not", planError.Differences);

        var dataError = Assert.Throws<ResumeException>(() =>
        {
            var m = new NormNet(0.3);
            FineTuner.Run(m, PlanFor(m), Data.Classification(48), Data.Classification(16, seed: 3), options with { Resume = true });
        });
        Assert.Contains("training examples: 40 in the checkpoint, 48 now", dataError.Differences);

        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_torn_or_altered_checkpoint_is_refused_before_anything_is_loaded_and_is_not_deleted()
    {
        using var dir = new TempDir();
        var options = Options(OptimizerKind.AdamW, dir.Path) with { Epochs = 2 };
        Train(1, options);
        string file = Path.Combine(dir.Path, "resume.bin");
        var bytes = File.ReadAllBytes(file);

        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        torch.manual_seed(5);
        var model = new NormNet(0.3);
        var before = model.Snapshot();
        var torn = Assert.Throws<ResumeException>(() => FineTuner.Run(model, PlanFor(model), Data.Classification(40), Data.Classification(16, seed: 3), options with { Resume = true }));
        Assert.Contains("cannot be read", torn.Message);
        Assert.Contains("cut short or changed", torn.Message);
        Assert.Contains("Nothing was loaded and the file was left as it is", torn.Message);
        Assert.Equal(bytes.Length / 2, new FileInfo(file).Length);
        foreach (var key in before.Keys) Assert.True(Data.SameBits(before[key], model.state_dict()[key]), key);

        var altered = (byte[])bytes.Clone();
        altered[altered.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, altered);
        Assert.Contains("cut short or changed", Assert.Throws<ResumeException>(() => Train(1, options with { Resume = true })).Message);

        File.WriteAllBytes(file, new byte[] { 1, 2, 3 });
        Assert.Contains("shorter than the smallest resume file", Assert.Throws<ResumeException>(() => Train(1, options with { Resume = true })).Message);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void Resume_needs_a_checkpoint_directory()
    {
        var problems = new FineTuneOptions { Resume = true }.Validate();
        Assert.Contains(problems, p => p.StartsWith("Resume is True; expected false unless CheckpointDirectory is set", StringComparison.Ordinal));
        Assert.Empty(new FineTuneOptions { Resume = true, CheckpointDirectory = "x" }.Validate());
    }
}
