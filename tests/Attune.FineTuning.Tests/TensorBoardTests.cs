using TorchSharp;

namespace Attune.FineTuning.Tests;

public class TensorBoardTests
{
    public TensorBoardTests() => Torch.Init();

    [Fact]
    public void The_event_file_holds_per_step_loss_and_rates_and_per_epoch_figures_matching_the_report()
    {
        using var dir = new TempDir();
        string logDir = dir.File("tb");
        var train = Data.Classification(40);
        var validation = Data.Classification(16, seed: 3);
        var steps = new List<FineTuneProgress>();
        // Two parameter groups (the backbone in the default group, the head with its own rate), a schedule that moves
        // the rate, and accumulation so steps are windows: 40 examples / 8 = 5 batches, 2 per step = 3 steps per epoch.
        var model = new TinyNet { FreezeBackbone = false, HeadLearningRate = 0.05 };
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 8, AccumulationSteps = 2, LearningRate = 0.01, Schedule = LrSchedule.Linear, TensorBoardDirectory = logDir };

        var report = model.Fit(train, validation, options, new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) steps.Add(p); }));

        var file = Assert.Single(Directory.GetFiles(logDir));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));
        var (version, scalars) = TensorBoardEvents.Read(file);
        Assert.Equal("brain.Event:2", version);
        Assert.Equal(6, report.TotalSteps);

        var loss = scalars.Where(s => s.Tag == "train/loss").ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), loss.Select(s => s.Step));
        Assert.Equal(steps.Select(p => (float)p.Loss), loss.Select(s => s.Value));

        var schedule = new LearningRateSchedule(LrSchedule.Linear, 6, 0);
        var defaultRate = scalars.Where(s => s.Tag == "train/learning_rate/(default)").ToList();
        var headRate = scalars.Where(s => s.Tag == "train/learning_rate/head").ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(s => (float)(0.01 * schedule.Factor(s))), defaultRate.Select(s => s.Value));
        Assert.Equal(Enumerable.Range(0, 6).Select(s => (float)(0.05 * schedule.Factor(s))), headRate.Select(s => s.Value));
        Assert.Equal(loss.Select(s => s.Step), headRate.Select(s => s.Step));

        foreach (var (tag, pick) in new (string, Func<EpochResult, double>)[]
                 { ("epoch/train_loss", e => e.TrainLoss), ("epoch/validation_loss", e => e.ValidationLoss), ("epoch/accuracy", e => e.Metric) })
        {
            var perEpoch = scalars.Where(s => s.Tag == tag).ToList();
            Assert.Equal(new long[] { 1, 2 }, perEpoch.Select(s => s.Step));
            Assert.Equal(report.Epochs.Select(e => (float)pick(e)), perEpoch.Select(s => s.Value));
        }
        Assert.DoesNotContain(scalars, s => s.Tag == "train/learning_rate"); // one tag per group when there are several
        Assert.All(scalars, s => Assert.InRange(s.WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
    }

    [Fact]
    public void One_group_logs_a_single_rate_tag_and_skipped_steps_are_counted()
    {
        using var dir = new TempDir();
        int calls = 0;
        TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor output, TorchSharp.torch.Tensor labels)
        {
            var l = TorchSharp.torch.nn.functional.cross_entropy(output, labels);
            return TorchSharp.torch.is_grad_enabled() && ++calls == 2 ? l * double.NaN : l;
        }
        var model = new TinyNet { CustomLoss = Loss };
        var data = Data.Classification(32);
        var report = model.Fit(data, data, new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Attune.Loss.Custom, TensorBoardDirectory = dir.Path });

        var (_, scalars) = TensorBoardEvents.Read(Assert.Single(Directory.GetFiles(dir.Path)));
        Assert.Equal(new long[] { 1, 3, 4 }, scalars.Where(s => s.Tag == "train/loss").Select(s => s.Step));
        Assert.Equal(new long[] { 1, 3, 4 }, scalars.Where(s => s.Tag == "train/learning_rate").Select(s => s.Step));
        var skipped = Assert.Single(scalars, s => s.Tag == "train/non_finite_steps");
        Assert.Equal((2L, 1f), (skipped.Step, skipped.Value));
        Assert.Equal(1, report.NonFiniteSteps);
    }

    /// <summary>The file as a reader sees it while the run still writes it.</summary>
    private static List<ScalarEvent> ReadWhileOpen(string directory, TempDir scratch)
    {
        string file = Assert.Single(Directory.GetFiles(directory));
        using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var copy = File.Create(scratch.File("copy")))
            source.CopyTo(copy);
        return TensorBoardEvents.Read(scratch.File("copy")).Scalars;
    }

    [Fact]
    public void Each_epoch_is_in_the_file_when_it_ends_while_the_run_goes_on()
    {
        using var dir = new TempDir();
        using var scratch = new TempDir();
        var seen = new List<List<ScalarEvent>>();
        var model = new TinyNet();
        var data = Data.Classification(32);
        model.Fit(data, data, new FineTuneOptions { Epochs = 2, BatchSize = 8, TensorBoardDirectory = dir.Path },
            new InlineProgress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 1) seen.Add(ReadWhileOpen(dir.Path, scratch)); }));

        var atEpoch1 = Assert.Single(seen);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, atEpoch1.Where(s => s.Tag == "train/loss").Select(s => s.Step));
        Assert.Equal(1, Assert.Single(atEpoch1, s => s.Tag == "epoch/accuracy").Step);
        var (_, final) = TensorBoardEvents.Read(Assert.Single(Directory.GetFiles(dir.Path)));
        Assert.Equal(8, final.Count(s => s.Tag == "train/loss"));
    }

    [Fact]
    public void A_run_that_diverges_still_leaves_every_scalar_it_logged_in_the_file()
    {
        using var dir = new TempDir();
        int calls = 0;
        TorchSharp.torch.Tensor Loss(TorchSharp.torch.Tensor output, TorchSharp.torch.Tensor labels)
        {
            var l = TorchSharp.torch.nn.functional.cross_entropy(output, labels);
            return TorchSharp.torch.is_grad_enabled() && ++calls >= 3 ? l * double.NaN : l;
        }
        var model = new TinyNet { CustomLoss = Loss };
        var data = Data.Classification(32);
        Assert.Throws<TrainingDivergedException>(() => model.Fit(data, data,
            new FineTuneOptions { Epochs = 3, BatchSize = 8, Loss = Attune.Loss.Custom, MaxNonFiniteSteps = 2, TensorBoardDirectory = dir.Path }));

        var (_, scalars) = TensorBoardEvents.Read(Assert.Single(Directory.GetFiles(dir.Path)));
        Assert.Equal(new long[] { 1, 2 }, scalars.Where(s => s.Tag == "train/loss").Select(s => s.Step));
        Assert.Equal(new[] { (3L, 1f), (4L, 2f) }, scalars.Where(s => s.Tag == "train/non_finite_steps").Select(s => (s.Step, s.Value)));
    }

    [Fact]
    public void A_directory_that_cannot_be_created_fails_before_training_and_names_the_path()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("taken"), "a file where the directory should go");
        string logDir = Path.Combine(dir.File("taken"), "tb");
        var model = new TinyNet();
        var before = model.Snapshot();
        var data = Data.Classification(16);

        var ex = Assert.Throws<IOException>(() => model.Fit(data, data, new FineTuneOptions { Epochs = 1, BatchSize = 8, TensorBoardDirectory = logDir }));

        Assert.Contains(logDir, ex.Message);
        Assert.Contains("TensorBoardDirectory", ex.Message);
        Assert.True(Data.SameBits(before["head.weight"], model.head.weight!)); // nothing trained
    }

    [Fact]
    public void A_file_given_as_the_directory_is_called_a_file()
    {
        using var dir = new TempDir();
        string file = dir.File("runs");
        File.WriteAllText(file, "");
        var data = Data.Classification(16);
        var ex = Assert.Throws<IOException>(() => new TinyNet().Fit(data, data, new FineTuneOptions { Epochs = 1, BatchSize = 8, TensorBoardDirectory = file }));
        Assert.Equal($"Cannot write TensorBoard events to '{file}' (TensorBoardDirectory): that path is a file. Expected a directory this process can create and write.", ex.Message);
    }

    [Fact]
    public void Without_the_option_nothing_is_written()
    {
        using var dir = new TempDir();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path; // SummaryWriter's own default would be ./runs
        try
        {
            var data = Data.Classification(16);
            new TinyNet().Fit(data, data, new FineTuneOptions { Epochs = 1, BatchSize = 8 });
            Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
