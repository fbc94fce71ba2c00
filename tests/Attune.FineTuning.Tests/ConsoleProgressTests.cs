namespace Attune.FineTuning.Tests;

/// <summary>ConsoleProgress: a line per evaluation and at most one per interval when redirected; in-place redraws live.</summary>
public class ConsoleProgressTests
{
    [Fact]
    public void Redirected_output_gets_a_line_per_evaluation_and_throttled_training_lines()
    {
        var writer = new StringWriter();
        var progress = new ConsoleProgress("lora", writer, live: false, interval: TimeSpan.FromHours(1));
        for (int step = 1; step <= 10; step++)
            progress.Report(new FineTuneProgress(1, 2, step, 20, 0.5, 1e-3, null, FineTunePhase.Training));
        progress.Report(new FineTuneProgress(1, 2, 10, 20, 0.4, 1e-3, 0.8125, FineTunePhase.Evaluated));

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the first training report, then the evaluation
        Assert.StartsWith("lora epoch 1/2 step 1/20 loss 0.5000", lines[0]);
        Assert.Contains("validation loss 0.4000 metric 0.8125", lines[1]);
        Assert.Contains("steps/s", lines[1]);
        Assert.DoesNotContain("\r", writer.ToString());
    }

    [Fact]
    public void Live_output_redraws_one_line_and_keeps_each_epochs_result()
    {
        var writer = new StringWriter();
        var progress = new ConsoleProgress("full", writer, live: true, interval: TimeSpan.Zero);
        progress.Report(new FineTuneProgress(1, 1, 1, 2, 0.7, 1e-3, null, FineTunePhase.Training));
        progress.Report(new FineTuneProgress(1, 1, 2, 2, 0.6, 1e-3, null, FineTunePhase.Training));
        progress.Report(new FineTuneProgress(1, 1, 2, 2, 0.5, 1e-3, 0.9, FineTunePhase.Evaluated));
        var text = writer.ToString();
        Assert.Equal(3, text.Count(c => c == '\r'));
        Assert.Contains("[##########..........]", text);
        Assert.EndsWith(Environment.NewLine, text);
    }
}
