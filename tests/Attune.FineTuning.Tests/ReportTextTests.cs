using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// What a person sees of a run's results: reports print as sentences (no <c>System.Collections…List`1</c>), and a run
/// that ends while its metric still improves says that more epochs would likely help.
/// </summary>
public class ReportTextTests
{
    public ReportTextTests() => Torch.Init();

    private static readonly LabeledTensors Train = Data.Classification(32);
    private static readonly LabeledTensors Validation = Data.Classification(16, seed: 3);

    /// <summary>A custom metric that returns a scripted sequence, one value per evaluation.</summary>
    private static Func<Tensor, Tensor, double> Scripted(params double[] values)
    {
        int call = 0;
        return (_, _) => values[Math.Min(call++, values.Length - 1)];
    }

    private static FineTuneOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 8, Metric = Metric.Custom, MetricDirection = Direction.Maximize };

    [Fact]
    public void A_run_whose_last_epoch_is_its_best_hints_at_more_epochs_in_the_report_and_the_log()
    {
        var logger = new ListLogger();
        var report = new TinyNet { CustomMetric = Scripted(0.5, 0.6, 0.7) }.Fit(Train, Validation, Options(3), logger: logger);

        Assert.True(report.StillImproving);
        const string Hint = "Hint: the metric was still improving at the last epoch; more epochs would likely help (e.g. Epochs = 8, with Patience so that the run stops once it levels off).";
        Assert.EndsWith(Hint, report.ToString());
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Information && l.Message == Hint);
        Assert.StartsWith("Attune.FineTuning.Tests.TinyNet: best custom 0.7 at epoch 3 of 3 (completed); ", report.ToString());
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.7, 0.6 }, 3)]   // the best epoch was not the last
    [InlineData(new[] { 0.5 }, 1)]             // one epoch says nothing about a trend
    public void No_hint_when_the_metric_levelled_off_or_there_is_no_trend(double[] metrics, int epochs)
    {
        var logger = new ListLogger();
        var report = new TinyNet { CustomMetric = Scripted(metrics) }.Fit(Train, Validation, Options(epochs), logger: logger);

        Assert.False(report.StillImproving);
        Assert.DoesNotContain("Hint:", report.ToString());
        Assert.DoesNotContain(logger.Lines, l => l.Message.StartsWith("Hint:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_early_stopped_run_gives_no_hint_and_says_why_it_stopped()
    {
        var options = Options(5) with { Patience = 1 };
        var report = new TinyNet { CustomMetric = Scripted(0.5, 0.4, 0.9) }.Fit(Train, Validation, options);

        Assert.False(report.StillImproving);
        Assert.Contains("(stopped: EarlyStopped, ", report.ToString());
    }

    [Fact]
    public void Epoch_results_and_pretrained_load_reports_print_as_sentences()
    {
        var epoch = new EpochResult(3, 0.41234, 0.389, 0.912, 1e-3, 45, TimeSpan.FromSeconds(1.2));
        Assert.Equal("epoch 3: train loss 0.4123, validation loss 0.389, metric 0.912, lr 0.001, 1.20 s", epoch.ToString());

        var load = new PretrainedLoadReport("/m/best.bin", ["a", "b", "c"], ["head.weight", "head.bias"], [], Enumerable.Range(0, 7).Select(i => $"extra.{i}").ToList());
        Assert.Equal("Loaded 3 keys from /m/best.bin; skipped 2 (head.weight, head.bias); unexpected in the file 7 (extra.0, extra.1, extra.2, extra.3, extra.4, and 2 more)", load.ToString());
    }
}
