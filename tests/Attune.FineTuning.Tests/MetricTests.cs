using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class MetricTests
{
    public MetricTests() => Torch.Init();

    private static double Stream(MetricAccumulator metric, params (float[,] Output, long[] Labels)[] batches)
    {
        foreach (var (output, labels) in batches)
        {
            using var scope = torch.NewDisposeScope();
            metric.Add(torch.tensor(output), torch.tensor(labels));
        }
        return metric.Result(double.NaN);
    }

    // Predictions (arg-max) over two batches: [0, 1, 2, 2] and [1, 0]; labels [0, 1, 1, 2] and [1, 2].
    private static readonly (float[,], long[])[] Batches =
    {
        (new float[,] { { 9, 0, 0 }, { 0, 9, 0 }, { 0, 0, 9 }, { 0, 0, 9 } }, new long[] { 0, 1, 1, 2 }),
        (new float[,] { { 0, 9, 0 }, { 9, 0, 0 } }, new long[] { 1, 2 }),
    };

    [Fact]
    public void Accuracy_streams_over_batches() =>
        Assert.Equal(4.0 / 6, Stream(new AccuracyAccumulator(Loss.CrossEntropy), Batches), 12);

    [Fact]
    public void Macro_f1_from_confusion_counts()
    {
        // class 0: tp 1, fp 1, fn 0 → 2/3;  class 1: tp 2, fp 0, fn 1 → 4/5;  class 2: tp 1, fp 1, fn 1 → 1/2
        double expected = (2.0 / 3 + 4.0 / 5 + 1.0 / 2) / 3;
        Assert.Equal(expected, Stream(new MacroF1Accumulator(Loss.CrossEntropy), Batches), 12);
    }

    [Fact]
    public void Macro_f1_leaves_out_classes_never_seen_nor_predicted()
    {
        var confusion = new long[] { 2, 0, 0, 0, 0, 0, 0, 0, 0 }; // only class 0, always right
        Assert.Equal(1.0, MacroF1Accumulator.MacroF1(confusion, 3));
    }

    [Fact]
    public void Binary_accuracy_from_logits_of_the_labels_shape()
    {
        var metric = new AccuracyAccumulator(Loss.BceWithLogits);
        using var output = torch.tensor(new float[] { 2, -1, 0.5f, -3 });
        using var labels = torch.tensor(new float[] { 1, 1, 1, 0 });
        metric.Add(output, labels);
        Assert.Equal(0.75, metric.Result(double.NaN), 12);
    }

    [Fact]
    public void Regression_metrics_from_running_sums()
    {
        // outputs [1, 2, 4] then [4]; labels [1, 3, 3] then [5]. errors 0, -1, 1, -1
        (float[] o, float[] y)[] batches = { (new float[] { 1, 2, 4 }, new float[] { 1, 3, 3 }), (new float[] { 4 }, new float[] { 5 }) };
        double Run(Metric m)
        {
            var acc = new RegressionAccumulator(m);
            foreach (var (o, y) in batches)
            {
                using var scope = torch.NewDisposeScope();
                acc.Add(torch.tensor(o), torch.tensor(y));
            }
            return acc.Result(double.NaN);
        }
        Assert.Equal(3.0 / 4, Run(Metric.Mse), 12);
        Assert.Equal(3.0 / 4, Run(Metric.Mae), 12);
        // mean label 3; total sum of squares 4 + 0 + 0 + 4 = 8; residual 3 → R² = 1 - 3/8
        Assert.Equal(1 - 3.0 / 8, Run(Metric.R2), 12);
    }

    [Fact]
    public void Loss_metric_is_the_validation_loss() => Assert.Equal(0.25, new LossMetric().Result(0.25));

    [Fact]
    public void Custom_metric_is_called_once_on_the_whole_validation_set()
    {
        var sizes = new List<(long, long)>();
        var model = new TinyNet { CustomMetric = (outputs, labels) => { sizes.Add((outputs.size(0), labels.size(0))); return outputs.size(1); } };
        var report = model.Fit(Data.Classification(16), Data.Classification(21, seed: 3),
            new FineTuneOptions { Epochs = 2, BatchSize = 8, Metric = Metric.Custom, MetricDirection = Direction.Maximize });
        Assert.Equal(new[] { (21L, 21L), (21L, 21L) }, sizes);
        Assert.Equal(3, report.BestMetric);
    }

    [Fact]
    public void Evaluation_runs_without_gradients_in_eval_mode()
    {
        bool? training = null, grad = null;
        var model = new TinyNet();
        model.CustomMetric = (o, l) => { training = model.training; grad = torch.is_grad_enabled(); return 0; };
        model.Fit(Data.Classification(8), Data.Classification(8, seed: 3), new FineTuneOptions { Epochs = 1, BatchSize = 8, Metric = Metric.Custom, MetricDirection = Direction.Maximize });
        Assert.False(training);
        Assert.False(grad);
    }
}
