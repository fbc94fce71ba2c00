using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class CheckpointTests
{
    public CheckpointTests() => Torch.Init();

    [Fact]
    public void Best_checkpoint_round_trips_into_a_fresh_model_and_no_temp_files_remain()
    {
        using var dir = new TempDir();
        var train = Data.Classification(48);
        var validation = Data.Classification(24, seed: 3);
        var model = new TinyNet { FreezeBackbone = false };
        var report = model.Fit(train, validation, new FineTuneOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, CheckpointDirectory = dir.Path });

        Assert.Equal(Path.Combine(dir.Path, "best.bin"), report.BestCheckpoint);
        Assert.Equal(Path.Combine(dir.Path, "last.bin"), report.LastCheckpoint);
        Assert.True(File.Exists(report.LastCheckpoint));
        Assert.Equal(new[] { "best.bin", "best.json", "last.bin", "last.json", "resume.bin", "run.jsonl" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "best.json")));
        Assert.Equal(report.BestEpoch, json.RootElement.GetProperty("epoch").GetInt32());
        Assert.Equal(report.BestMetric, json.RootElement.GetProperty("value").GetDouble());
        Assert.Equal("Accuracy", json.RootElement.GetProperty("metric").GetString());

        var fresh = new TinyNet();
        fresh.load(report.BestCheckpoint!); // TorchSharp's own loader reads it
        var viaAttune = new TinyNet();
        viaAttune.LoadPretrained(report.BestCheckpoint!);
        model.eval(); fresh.eval(); viaAttune.eval();
        using var probe = torch.randn(5, 4);
        using var expected = model.call(probe);
        using var actual = fresh.call(probe);
        using var actual2 = viaAttune.call(probe);
        Assert.True(Data.SameBits(expected, actual));
        Assert.True(Data.SameBits(expected, actual2));
    }
}
