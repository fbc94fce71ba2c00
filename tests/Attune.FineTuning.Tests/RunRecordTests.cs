using Attune.Search;

namespace Attune.FineTuning.Tests;

/// <summary>The run record (run.jsonl) a run with a checkpoint directory writes, read back with Attune.Search's reader.</summary>
public class RunRecordTests
{
    public RunRecordTests() => Torch.Init();

    [Fact]
    public void A_run_with_a_checkpoint_directory_records_every_step_epoch_group_and_how_it_ended()
    {
        using var dir = new TempDir();
        var model = new TinyNet { FreezeBackbone = false, HeadLearningRate = 0.05 };
        var report = model.Fit(Data.Classification(48), Data.Classification(24, seed: 3),
            new FineTuneOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, CheckpointDirectory = dir.Path });

        var record = RunRecordReader.Read(dir.Path);
        Assert.True(record.Ended);
        Assert.Equal(report.ModelName, record.ModelName);
        Assert.Equal("Accuracy", record.Metric);
        Assert.Equal(Direction.Maximize, record.Direction);
        Assert.Equal(report.StopReason.ToString(), record.StopReason);
        Assert.Equal(report.BestEpoch, record.BestEpoch);
        Assert.Equal(report.BestMetric, record.BestMetric);
        Assert.Equal(report.TotalSteps, record.Steps.Count);
        Assert.Equal(Enumerable.Range(1, (int)report.TotalSteps).Select(i => (long)i), record.Steps.Select(s => s.Step));
        Assert.All(record.Steps, s => Assert.True(double.IsFinite(s.Loss) && s.LearningRate > 0));
        Assert.Equal(report.Epochs.Select(e => (e.Epoch, e.Metric, e.ValidationLoss, e.Steps)), record.Epochs.Select(e => (e.Epoch, e.Metric, e.ValidationLoss, e.Steps)));
        // Two groups: the default one and the head with its own rate; together every trainable parameter.
        Assert.Equal(0.05, Assert.Single(record.Groups, g => g.Name == "head").LearningRate);
        Assert.Equal(report.TrainableParameters, record.Groups.Sum(g => g.TrainableParameters));
        // Printed, it is a sentence, not a list of collection type names.
        Assert.Equal(FormattableString.Invariant(
            $"{report.ModelName}: {report.TotalSteps} steps, 3 epochs of 3 planned, best accuracy {report.BestMetric:G5} at epoch {report.BestEpoch}, {report.StopReason} (1 start; {record.Path})"),
            record.ToString());
    }

    [Fact]
    public void A_run_record_directory_records_a_run_that_keeps_no_checkpoints()
    {
        using var dir = new TempDir();
        string records = Path.Combine(dir.Path, "records", "run-1");   // made by the run
        var report = new TinyNet().Fit(Data.Classification(48), Data.Classification(24, seed: 3),
            new FineTuneOptions { Epochs = 2, BatchSize = 8, RunRecordDirectory = records });

        var record = RunRecordReader.Read(records);
        Assert.True(record.Ended);
        Assert.Equal(report.TotalSteps, record.Steps.Count);
        Assert.Equal(["run.jsonl"], Directory.GetFiles(records).Select(Path.GetFileName));   // no best.bin, last.bin or resume.bin
        Assert.Null(report.BestCheckpoint);
    }

    [Fact]
    public void A_resumed_run_appends_and_the_reader_keeps_each_step_once()
    {
        using var dir = new TempDir();
        var data = Data.Classification(48);
        var options = new FineTuneOptions { Epochs = 4, BatchSize = 8, CheckpointDirectory = dir.Path };
        using var cts = new CancellationTokenSource();
        var first = new TinyNet().Fit(data, data, options, new Progress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 2) cts.Cancel(); }), token: cts.Token);
        Assert.Equal(StopReason.Cancelled, first.StopReason);
        Assert.Equal("Cancelled", RunRecordReader.Read(dir.Path).StopReason);
        var report = new TinyNet().Fit(data, data, options with { Resume = true });

        var record = RunRecordReader.Read(dir.Path);
        Assert.Equal(2, record.Starts);
        Assert.Equal(report.TotalSteps, record.Steps.Count);
        Assert.Equal(4, record.Epochs.Count);
        Assert.Equal(report.StopReason.ToString(), record.StopReason);
    }

    /// <summary>Reports progress on the training thread (System.Progress would post it elsewhere, too late to cancel).</summary>
    private sealed class Progress(Action<FineTuneProgress> report) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress value) => report(value);
    }
}
