using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class ValidationTests
{
    public ValidationTests() => Torch.Init();

    private static readonly LabeledTensors Data16 = Data.Classification(16);

    [Fact]
    public void Invalid_options_list_every_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Data16, Data16, new FineTuneOptions { Epochs = 0, BatchSize = -1, LearningRate = double.NaN }));
        Assert.Contains("Epochs is 0", ex.Message);
        Assert.Contains("BatchSize is -1", ex.Message);
        Assert.Contains("LearningRate is NaN", ex.Message);
    }

    [Fact]
    public void Empty_data_is_rejected()
    {
        var empty = new LabeledTensors(torch.zeros(0, 4), torch.zeros(0, dtype: ScalarType.Int64));
        Assert.Contains("training data is empty", Assert.Throws<ArgumentException>(() => new TinyNet().Fit(empty, Data16, new FineTuneOptions())).Message);
        Assert.Contains("validation data is empty", Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Data16, empty, new FineTuneOptions())).Message);
    }

    [Fact]
    public void Warmup_longer_than_the_run_names_both_numbers()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Data16, Data16, new FineTuneOptions { Epochs = 2, BatchSize = 8, WarmupSteps = 10 }));
        Assert.Contains("10 steps", ex.Message);
        Assert.Contains("only 4 optimizer steps", ex.Message);
    }

    [Fact]
    public void Custom_loss_or_metric_without_a_method_is_a_clear_error()
    {
        Assert.Contains("no custom loss", Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Data16, Data16, new FineTuneOptions { Loss = Loss.Custom })).Message);
        Assert.Contains("no custom metric", Assert.Throws<ArgumentException>(() => new TinyNet().Fit(Data16, Data16, new FineTuneOptions { Metric = Metric.Custom, MetricDirection = Direction.Maximize })).Message);
    }

    [Fact]
    public void Nothing_to_train_is_a_clear_error()
    {
        var model = new TinyNet();
        var plan = new FineTunePlan("TinyNet", new[] { FieldRule.For("backbone", model.backbone, frozen: true), FieldRule.For("head", model.head, frozen: true) });
        var ex = Assert.Throws<ArgumentException>(() => FineTuner.Run(model, plan, Data16, Data16, new FineTuneOptions()));
        Assert.Contains("nothing to train", ex.Message);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void Every_optimizer_trains(OptimizerKind optimizer)
    {
        var report = new TinyNet { HeadLearningRate = 5e-2 }.Fit(Data.Classification(32), Data.Classification(16, seed: 3),
            new FineTuneOptions { Epochs = 2, BatchSize = 8, Optimizer = optimizer, WeightDecay = 1e-4, Schedule = LrSchedule.OneCycle });
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.All(report.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }
}
