using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Attune.Cli.Tests;

/// <summary>
/// run: a checkpoint directory read without TorchSharp. The resume file here is written byte for byte in the layout
/// Attune.FineTuning's ResumeCheckpoint writes (format 3: header, then tensors the tool skips, "END", SHA-256), with
/// stand-in bytes where the tensors go; the sidecars as Checkpoints writes them.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "attune-cli-run-" + Guid.NewGuid().ToString("N")[..8]);

    public RunCommandTests() => Directory.CreateDirectory(directory);

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private static byte[] ResumeFile(int version = 3, int stopReason = 1, string? stopMessage = null)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes("ATTUNE-RESUME\n"));
            w.Write(version);
            w.Write("DigitsMlp");
            (string, string)[] options = [("Epochs", "10"), ("BatchSize", "32"), ("LearningRate", "0.001"), ("Metric", "Accuracy"), ("MetricDirection", "Maximize")];
            w.Write(options.Length);
            foreach (var (k, v) in options) { w.Write(k); w.Write(v); }
            w.Write(2);
            w.Write("field Hidden: trained");
            w.Write("parameter Hidden.weight [64, 256] Float32: trained");
            w.Write(3);          // epochs done
            w.Write(300L);       // global step
            w.Write(0.91);       // best metric
            w.Write(2);          // best epoch
            w.Write(1);          // epochs without improvement
            w.Write(stopReason); // StopReason (-1: none)
            w.Write(3);
            for (int e = 1; e <= 3; e++)
            {
                w.Write(e); w.Write(1.0 / e); w.Write(1.2 / e); w.Write(e == 2 ? 0.91 : 0.8 + e * 0.01); w.Write(0.001); w.Write(100L); w.Write(TimeSpan.FromSeconds(12.5).Ticks);
            }
            w.Write(1);
            w.Write("Encoder");
            if (version >= 2) { w.Write(4L); w.Write(0); }
            if (version >= 3) { w.Write(stopMessage is not null); if (stopMessage is not null) w.Write(stopMessage); }
            w.Write(new byte[4096]); // the tensors' place: model, best copy, optimizer, generators
            w.Write(Encoding.ASCII.GetBytes("END"));
        }
        var bytes = body.ToArray();
        return [.. bytes, .. SHA256.HashData(bytes)];
    }

    private void WriteCheckpoint()
    {
        File.WriteAllBytes(Path.Combine(directory, "resume.bin"), ResumeFile());
        File.WriteAllBytes(Path.Combine(directory, "best.bin"), new byte[2048]);
        File.WriteAllText(Path.Combine(directory, "best.json"),
            """{ "model": "DigitsMlp", "weights": "best.bin", "epoch": 2, "metric": "Accuracy", "direction": "Maximize", "value": 0.91, "savedAt": "2026-03-01T10:00:00.0000000+00:00" }""");
        File.WriteAllBytes(Path.Combine(directory, "last.bin"), new byte[2048]);
        File.WriteAllText(Path.Combine(directory, "last.json"),
            """{ "model": "DigitsMlp", "weights": "last.bin", "epoch": 3, "metric": "Accuracy", "direction": "Maximize", "value": 0.83, "savedAt": "2026-03-01T10:01:00.0000000+00:00" }""");
    }

    [Fact]
    public async Task It_shows_epochs_and_steps_done_the_epochs_the_checkpoints_and_the_files()
    {
        WriteCheckpoint();
        var run = await Cli.Run(["run", directory]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"Fine-tune run in {directory}", run.Out);
        Assert.Matches(@"  model\s+DigitsMlp", run.Out);
        Assert.Matches(@"  epochs done\s+3 of 10", run.Out);
        Assert.Matches(@"  steps done\s+300", run.Out);
        Assert.Matches(@"  best epoch\s+2 \(Accuracy 0\.91, maximize\)", run.Out);
        Assert.Matches(@"  ended\s+early-stopped", run.Out);
        Assert.Matches(@"  non-finite steps\s+4", run.Out);
        Assert.Contains("SHA-256 verified", run.Out);
        Assert.Contains("unfrozen: Encoder", run.Out);
        Assert.Matches(@"  2 \*\s+0\.5\s+0\.6\s+0\.91\s+0\.001\s+100\s+12\.5 s", run.Out);
        Assert.Matches(@"  best\.bin\s+2\s+Accuracy\s+0\.91\s+2026-03-01 10:00:00Z", run.Out);
        Assert.Matches(@"  last\.bin\s+3\s+Accuracy\s+0\.83", run.Out);
        Assert.Matches(@"  resume\.bin\s+4\.\d KiB", run.Out);
        Assert.Contains("Options: Epochs=10, BatchSize=32, LearningRate=0.001", run.Out);
    }

    [Fact]
    public async Task Json_parses_with_the_same_facts()
    {
        WriteCheckpoint();
        var run = await Cli.Run(["run", directory, "--json"]);
        Assert.True(run.Code == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        var resume = root.GetProperty("resume");
        Assert.Equal(3, resume.GetProperty("epochs_done").GetInt32());
        Assert.Equal(300, resume.GetProperty("steps_done").GetInt64());
        Assert.Equal(2, resume.GetProperty("best_epoch").GetInt32());
        Assert.Equal("early-stopped", resume.GetProperty("ended").GetString());
        Assert.Equal("10", resume.GetProperty("options").GetProperty("Epochs").GetString());
        Assert.Equal(3, resume.GetProperty("epochs").GetArrayLength());
        Assert.Equal(12.5, resume.GetProperty("epochs")[0].GetProperty("duration_seconds").GetDouble());
        Assert.Equal(2, root.GetProperty("checkpoints").GetArrayLength());
        Assert.Equal(["best.bin", "best.json", "last.bin", "last.json", "resume.bin"], root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Older_formats_and_a_run_still_going_read_too()
    {
        File.WriteAllBytes(Path.Combine(directory, "resume.bin"), ResumeFile(version: 1, stopReason: -1));
        var run = await Cli.Run(["run", directory]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Matches(@"  ended\s+not recorded", run.Out);
        Assert.Contains("format 1", run.Out);
        File.WriteAllBytes(Path.Combine(directory, "resume.bin"), ResumeFile(stopReason: 4, stopMessage: "loss plateaued"));
        var stopped = await Cli.Run(["run", directory]);
        Assert.Matches(@"  ended\s+stopped by a callback: loss plateaued", stopped.Out);
    }

    [Fact]
    public async Task A_torn_resume_file_is_reported_and_the_rest_still_shown()
    {
        WriteCheckpoint();
        var bytes = ResumeFile();
        File.WriteAllBytes(Path.Combine(directory, "resume.bin"), bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(Path.Combine(directory, ".best.bin.0123abcd.tmp"), new byte[10]);
        var run = await Cli.Run(["run", directory]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("resume.bin       unreadable: its SHA-256 does not match", run.Out);
        Assert.Matches(@"  best\.bin\s+2\s+Accuracy", run.Out);
        Assert.Contains(".best.bin.0123abcd.tmp (left by an interrupted write)", run.Out);
    }

    [Fact]
    public async Task A_missing_or_foreign_directory_is_exit_1()
    {
        var missing = await Cli.Run(["run", Path.Combine(directory, "nope")]);
        Assert.True(missing.Code == 1, missing.ToString());
        Assert.Contains($"No directory {Path.Combine(directory, "nope")}; expected a fine-tune's checkpoint directory", missing.Err);
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "x");
        var foreign = await Cli.Run(["run", directory]);
        Assert.True(foreign.Code == 1, foreign.ToString());
        Assert.Contains("holds no Attune checkpoint: expected best.bin, last.bin or resume.bin, found notes.txt.", foreign.Err);
        var usage = await Cli.Run(["run"]);
        Assert.Equal(2, usage.Code);
    }
}
