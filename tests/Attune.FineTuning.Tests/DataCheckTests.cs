using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class DataCheckTests
{
    public DataCheckTests() => Torch.Init();

    private static readonly FineTuneOptions Options = new() { Epochs = 1, BatchSize = 8 };
    private static readonly LabeledTensors Good = Data.Classification(16);

    private static FineTuneDataException Fails(IBatchSource train, IBatchSource validation, FineTuneOptions? options = null, TinyNet? model = null)
        => Assert.Throws<FineTuneDataException>(() => (model ?? new TinyNet()).Fit(train, validation, options ?? Options));

    [Fact]
    public void Wrong_feature_width_names_the_batch_shape_and_torchsharps_message()
    {
        var wide = new LabeledTensors(torch.randn(16, 5), torch.zeros(16, dtype: ScalarType.Int64));
        var ex = Fails(wide, Good);
        Assert.Contains("first training batch", ex.Message);
        Assert.Contains("expected features", ex.Message);
        Assert.Contains("found [8, 5] float32", ex.Message);
        Assert.Contains("TorchSharp said:", ex.Message);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void The_first_validation_batch_is_checked_too()
    {
        var wide = new LabeledTensors(torch.randn(16, 7), torch.zeros(16, dtype: ScalarType.Int64));
        var ex = Fails(Good, wide);
        Assert.Contains("first validation batch", ex.Message);
        Assert.Contains("[8, 7]", ex.Message);
    }

    [Fact]
    public void Labels_out_of_range_for_cross_entropy()
    {
        var bad = new LabeledTensors(torch.randn(16, 4), torch.arange(16, dtype: ScalarType.Int64) % 8);
        var ex = Fails(bad, Good);
        Assert.Contains("expects class labels in [0, 3)", ex.Message);
        Assert.Contains("found labels from 0 to 7", ex.Message);
    }

    [Fact]
    public void Float_labels_for_cross_entropy()
    {
        var bad = new LabeledTensors(torch.randn(16, 4), torch.zeros(16));
        var ex = Fails(bad, Good);
        Assert.Contains("expects int64 class-index labels", ex.Message);
        Assert.Contains("found float32 labels [8]", ex.Message);
    }

    [Fact]
    public void Mse_with_column_output_and_flat_labels_explains_the_broadcast()
    {
        var regression = Data.Regression(16);
        var ex = Fails(regression, regression, new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Loss.Mse, Metric = Metric.Mse }, new TinyNet(outputs: 1));
        Assert.Contains("expects labels of the output's shape [8, 1]", ex.Message);
        Assert.Contains("found labels [8]", ex.Message);
        Assert.Contains("unsqueeze(1)", ex.Message);
        Assert.Contains("[8, 8]", ex.Message);
    }

    [Fact]
    public void Mse_with_matching_column_labels_trains()
    {
        var regression = Data.Regression(16, column: true);
        var report = new TinyNet(outputs: 1).Fit(regression, regression, new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Loss.Mse, Metric = Metric.Mae });
        Assert.Equal(StopReason.Completed, report.StopReason);
    }

    [Fact]
    public void Double_features_for_a_float_model()
    {
        var bad = new LabeledTensors(torch.randn(16, 4, dtype: ScalarType.Float64), torch.zeros(16, dtype: ScalarType.Int64));
        var ex = Fails(bad, Good);
        Assert.Contains("expected float32 features", ex.Message);
        Assert.Contains("found float64", ex.Message);
    }

    [Fact]
    public void Bce_needs_float_targets_in_zero_one()
    {
        var targets = new LabeledTensors(torch.randn(16, 4), torch.full(16, 3, 2.0f));
        var ex = Fails(targets, targets, new FineTuneOptions { Epochs = 1, BatchSize = 8, Loss = Loss.BceWithLogits, Metric = Metric.Accuracy }, new TinyNet(outputs: 3));
        Assert.Contains("[0, 1]", ex.Message);
        Assert.Contains("found labels from 2 to 2", ex.Message);
    }
}
