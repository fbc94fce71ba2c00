using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// Resume together with the other training features: a LoRA fine-tune (adapters with dropout, frozen base weights) and
/// gradient accumulation, each interrupted after an epoch and in the middle of one, then resumed in a fresh model with
/// different initial weights, must end bit-identical to the run that was never interrupted.
/// </summary>
public class ResumeCombinationTests
{
    public ResumeCombinationTests() => Torch.Init();

    private static FineTuneOptions Options(string directory, int accumulation) => new()
    {
        Epochs = 5, BatchSize = 4, LearningRate = 1e-2, WeightDecay = 0.01, Optimizer = OptimizerKind.AdamW, Schedule = LrSchedule.Cosine,
        WarmupSteps = 3, Patience = 5, Seed = 13, Shuffle = true, CheckpointDirectory = directory, AccumulationSteps = accumulation,
    };

    private static (LoraNet Model, FineTuneReport Report) Train(int initSeed, bool lora, FineTuneOptions options, Func<FineTuneProgress, bool>? cancelAt = null)
    {
        torch.manual_seed(initSeed);   // the initial weights (and adapters); a resumed run overwrites them from the checkpoint
        var model = new LoraNet();
        if (lora) model.EncoderLora = new LoraSpec(rank: 2, alpha: 4, dropout: 0.2, targets: new[] { "fc*" });
        using var cts = new CancellationTokenSource();
        var progress = cancelAt is null ? null : new InlineProgress(p => { if (cancelAt(p)) cts.Cancel(); });
        var plan = lora ? model.CreateFineTunePlan() : new FineTunePlan("Attune.FineTuning.Tests.LoraNet", new[]
        {
            FieldRule.For(nameof(model.encoder), model.encoder),
            FieldRule.For(nameof(model.head), model.head),
        });
        var report = FineTuner.Run(model, plan, Data.Classification(40), Data.Classification(16, seed: 3), options, progress, null, cts.Token);
        return (model, report);
    }

    [Theory]
    [InlineData(true, 1, false)]    // LoRA, interrupted after epoch 2
    [InlineData(true, 1, true)]     // LoRA, interrupted in the middle of epoch 3
    [InlineData(false, 3, false)]   // accumulation over 3 micro-batches (10 per epoch: windows of 3, 3, 3, 1)
    [InlineData(false, 3, true)]
    [InlineData(true, 2, true)]     // both
    public void Interrupted_and_resumed_in_a_fresh_model_it_ends_bit_identical_to_the_uninterrupted_run(bool lora, int accumulation, bool midEpoch)
    {
        using var whole = new TempDir();
        using var parts = new TempDir();
        var (reference, referenceReport) = Train(1, lora, Options(whole.Path, accumulation));
        Assert.Equal(StopReason.Completed, referenceReport.StopReason);

        Func<FineTuneProgress, bool> cancelAt = midEpoch
            ? p => p.Phase == FineTunePhase.Training && p.Epoch == 3
            : p => p.Phase == FineTunePhase.Evaluated && p.Epoch == 2;
        var (_, interrupted) = Train(1, lora, Options(parts.Path, accumulation), cancelAt);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);
        Assert.Equal(2, interrupted.Epochs.Count);

        var (resumed, report) = Train(99, lora, Options(parts.Path, accumulation) with { Resume = true });
        Assert.True(report.Resumed);
        Assert.Equal(2, report.ResumedFromEpoch);
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.Equal(referenceReport.TotalSteps, report.TotalSteps);
        Assert.Equal(referenceReport.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps)),
            report.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps)));
        var a = reference.state_dict();
        var b = resumed.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(Data.SameBits(a[key], b[key]), "differs: " + key);
        if (lora) Assert.Contains(a.Keys, k => k.Contains("lora_A", StringComparison.Ordinal));
    }
}
