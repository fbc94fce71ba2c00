using System.Text.Json;
using Attune.Cli;

namespace Attune.FineTuning.Tests;

/// <summary>
/// `attune run` reads resume.bin's header without TorchSharp, with its own reader (the tool must not reference this
/// package). This holds the two together: a real fine-tune writes the directory, and the tool's facts are the
/// trainer's report. A change to ResumeCheckpoint's layout that the tool does not follow fails here.
/// </summary>
public class AttuneRunCommandTests
{
    public AttuneRunCommandTests() => Torch.Init();

    [Fact]
    public async Task The_tool_reads_what_a_real_fine_tune_wrote_and_agrees_with_its_report()
    {
        using var dir = new TempDir();
        var report = new TinyNet().Fit(Data.Classification(32), Data.Classification(16, seed: 3),
            new FineTuneOptions { Epochs = 3, BatchSize = 8, Seed = 3, CheckpointDirectory = dir.Path });

        var output = new StringWriter();
        var error = new StringWriter();
        int code = await AttuneCli.RunAsync(["run", dir.Path, "--json"], output, error);

        Assert.True(code == 0, error.ToString());
        var root = JsonDocument.Parse(output.ToString()).RootElement;
        var resume = root.GetProperty("resume");
        Assert.Equal(report.ModelName, resume.GetProperty("model").GetString());
        Assert.Equal(report.Epochs.Count, resume.GetProperty("epochs_done").GetInt32());
        Assert.Equal(report.TotalSteps, resume.GetProperty("steps_done").GetInt64());
        Assert.Equal(report.BestEpoch, resume.GetProperty("best_epoch").GetInt32());
        Assert.Equal(report.BestMetric, resume.GetProperty("best_metric").GetDouble());
        Assert.Equal("completed", resume.GetProperty("ended").GetString());
        Assert.Equal("3", resume.GetProperty("options").GetProperty("Epochs").GetString());
        var epochs = resume.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal(report.Epochs.Count, epochs.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            Assert.Equal(report.Epochs[i].Epoch, epochs[i].GetProperty("epoch").GetInt32());
            Assert.Equal(report.Epochs[i].TrainLoss, epochs[i].GetProperty("train_loss").GetDouble());
            Assert.Equal(report.Epochs[i].Metric, epochs[i].GetProperty("metric").GetDouble());
            Assert.Equal(report.Epochs[i].Steps, epochs[i].GetProperty("steps").GetInt64());
        }
        var checkpoints = root.GetProperty("checkpoints").EnumerateArray().ToDictionary(c => c.GetProperty("weights").GetString()!);
        Assert.Equal(report.BestEpoch, checkpoints["best.bin"].GetProperty("epoch").GetInt32());
        Assert.Equal(report.Epochs.Count, checkpoints["last.bin"].GetProperty("epoch").GetInt32());
    }
}
