namespace Attune.FineTuning.Tests;

/// <summary>resume.bin's format versions: the current one is 3 (the stop message); files of version 2 (before
/// callbacks) and 1 (before the non-finite counters, NonFiniteStepTests) still resume; a newer one is refused, saying what to do.</summary>
public class ResumeFormatTests
{
    public ResumeFormatTests() => Torch.Init();

    private static readonly LabeledTensors Train = Data.Classification(32);        // 4 batches of 8
    private static readonly LabeledTensors Validation = Data.Classification(16, seed: 3);

    [Fact]
    public void A_resume_file_of_format_version_2_still_resumes()
    {
        using var dir = new TempDir();
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, Seed = 3, CheckpointDirectory = dir.Path };
        using var cts = new CancellationTokenSource();
        new TinyNet().Fit(Train, Validation, options with { Callbacks = [new CallbackTests.CancelAfterEpoch(1, cts)] }, token: cts.Token);
        // Version 2 wrote everything version 3 does but the stop message (here: its "absent" flag, one byte).
        string path = Path.Combine(dir.Path, ResumeCheckpoint.FileName);
        ResumeFormat.Rewrite(path, version: 2, dropBeforeTensors: 1);
        Assert.Equal((1, 4L), (ResumeFormat.Read(path).CompletedEpochs, ResumeFormat.Read(path).GlobalStep));

        var report = new TinyNet().Fit(Train, Validation, options with { Resume = true });

        Assert.Equal((true, 1, StopReason.Completed, 12L), (report.Resumed, report.ResumedFromEpoch, report.StopReason, report.TotalSteps));
    }

    [Fact]
    public void A_resume_file_of_a_newer_format_is_refused_and_left_as_it_is()
    {
        using var dir = new TempDir();
        var options = new FineTuneOptions { Epochs = 3, BatchSize = 8, CheckpointDirectory = dir.Path };
        using var cts = new CancellationTokenSource();
        new TinyNet().Fit(Train, Validation, options with { Callbacks = [new CallbackTests.CancelAfterEpoch(1, cts)] }, token: cts.Token);
        string path = Path.Combine(dir.Path, ResumeCheckpoint.FileName);
        ResumeFormat.Rewrite(path, version: 4, dropBeforeTensors: 0);
        var bytes = File.ReadAllBytes(path);

        var ex = Assert.Throws<ResumeException>(() => new TinyNet().Fit(Train, Validation, options with { Resume = true }));

        Assert.Contains("it has format version 4; this Attune reads versions 1 to 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("delete it (or set Resume = false) to start fresh", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
