using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// NaN or infinity in the features (issue 11): before, a NaN validation feature made the epoch's validation loss NaN
/// and the run went on silently; now every data set — training, validation, evaluation — fails naming the row and feature.
/// </summary>
[Trait("Category", "Fault")]
public class NonFiniteDataTests
{
    public NonFiniteDataTests() => Torch.Init();

    private static readonly FineTuneOptions Options = new() { Epochs = 2, BatchSize = 8, Shuffle = false };

    [Fact]
    public void Nan_in_validation_features_of_a_tensor_dataset_fails_before_training_naming_row_and_feature()
    {
        var validation = Data.Classification(32, seed: 3);
        validation.Features[20, 1] = torch.tensor(float.NaN);
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(Data.Classification(16), validation, Options));
        Assert.Contains("the validation features hold NaN in row 20 of the validation data, feature (column) 1 (1 non-finite value in the data set, features [32, 4] float32)", ex.Message);
    }

    [Fact]
    public void Infinity_in_training_features_of_a_tensor_dataset_fails_before_training()
    {
        var train = Data.Classification(32);
        train.Features[9, 3] = torch.tensor(float.PositiveInfinity);
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(train, Data.Classification(16, seed: 3), Options));
        Assert.Contains("the training features hold ∞ in row 9 of the training data, feature (column) 3", ex.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void Nan_in_a_later_validation_batch_of_another_source_names_epoch_batch_row_and_feature()
    {
        var bad = torch.randn(8, 4);
        bad[5, 2] = torch.tensor(float.NaN);
        var validation = new ListSource(new[] { (torch.randn(8, 4), torch.zeros(8, dtype: ScalarType.Int64)), (bad, torch.zeros(8, dtype: ScalarType.Int64)) });
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(Data.Classification(16), validation, Options));
        Assert.Contains("the validation features hold NaN in validation batch 2 of epoch 1, row 5 of the batch (row 13 of the validation data), feature (column) 2", ex.Message);
    }

    [Fact]
    public void Evaluate_names_the_row_and_feature_of_a_nan()
    {
        var data = Data.Classification(32);
        data.Features[27, 2] = torch.tensor(float.NaN);
        var ex = Assert.Throws<FineTuneDataException>(() => FineTuner.Evaluate(new TinyNet(), data, 8));
        Assert.Contains("Evaluating TinyNet: the evaluation features hold NaN in evaluation batch 4, row 3 of the batch (row 27 of the evaluation data), feature (column) 2", ex.Message);
    }

    [Fact]
    public void Nan_in_a_later_training_batch_of_another_source_fails_naming_the_row_instead_of_skipping_steps()
    {
        var bad = torch.randn(8, 4);
        bad[1, 0] = torch.tensor(float.NaN);
        var train = new ListSource(new[] { (torch.randn(8, 4), torch.zeros(8, dtype: ScalarType.Int64)), (bad, torch.zeros(8, dtype: ScalarType.Int64)) });
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(train, Data.Classification(16), Options));
        Assert.Contains("the training features hold NaN in training batch 2 of epoch 1, row 1 of the batch (row 9 of the training data), feature (column) 0", ex.Message);
    }
}
