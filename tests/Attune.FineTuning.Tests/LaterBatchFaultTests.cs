using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// Data that fits in its first batch and not in a later one (issue 11): a LabeledTensors is checked whole before
/// training; any other source fails at the bad batch with its epoch, batch and row instead of libtorch's bare
/// "Target -1 is out of bounds." and C++ frames.
/// </summary>
[Trait("Category", "Fault")]
public class LaterBatchFaultTests
{
    public LaterBatchFaultTests() => Torch.Init();

    private static readonly FineTuneOptions Options = new() { Epochs = 2, BatchSize = 8, Shuffle = false };

    private static ListSource Batches(params (Tensor X, Tensor Y)[] batches) => new(batches);
    private static Tensor Labels(params long[] values) => torch.tensor(values);
    private static Tensor Zeros(int n) => torch.zeros(n, dtype: ScalarType.Int64);

    [Fact]
    public void A_class_label_out_of_range_late_in_a_tensor_dataset_fails_before_any_step_naming_the_row_and_the_range()
    {
        var train = Data.Classification(32);
        train.Labels[27] = torch.tensor(-1L);
        train.Labels[30] = torch.tensor(4L);
        var model = new TinyNet { FreezeBackbone = false };
        var before = model.Snapshot();
        var ex = Assert.Throws<FineTuneDataException>(() => model.Fit(train, Data.Classification(16, seed: 3), Options with { Shuffle = true }));
        Assert.Contains("The training data of Attune.FineTuning.Tests.TinyNet (32 examples) holds class labels from -1 to 4", ex.Message);
        Assert.Contains("CrossEntropy takes labels in [0, 3) for a model with 3 output classes", ex.Message);
        Assert.Contains("row 27 of the training data has -1 (and 1 more row of the training data: 30)", ex.Message);
        Assert.Contains("Nothing was trained", ex.Message);
        Assert.DoesNotContain("out of bounds", ex.Message);
        foreach (var (key, value) in model.state_dict()) Assert.True(Data.SameBits(before[key], value), "trained: " + key);
    }

    [Fact]
    public void A_class_label_out_of_range_late_in_the_validation_tensor_dataset_fails_before_training()
    {
        var validation = Data.Classification(32, seed: 3);
        validation.Labels[20] = torch.tensor(5L);
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(Data.Classification(16), validation, Options));
        Assert.Contains("The validation data of Attune.FineTuning.Tests.TinyNet (32 examples) holds class labels from 0 to 5", ex.Message);
        Assert.Contains("row 20 of the validation data has 5", ex.Message);
    }

    [Fact]
    public void Another_source_with_a_bad_label_in_a_later_training_batch_names_epoch_batch_row_value_and_range()
    {
        var train = Batches((torch.randn(8, 4), Zeros(8)), (torch.randn(8, 4), Labels(0, 1, 2, -1, 0, 0, 9, 0)));
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(train, Data.Classification(16), Options));
        Assert.Contains("Fine-tuning Attune.FineTuning.Tests.TinyNet: training batch 2 of epoch 1 holds a class label outside [0, 3)", ex.Message);
        Assert.Contains("row 3 of the batch (row 11 of the training data) has -1 (and 1 more row of the batch: 6)", ex.Message);
        Assert.Contains("TorchSharp said: Target -1 is out of bounds.", ex.Message);
        Assert.DoesNotContain("\n", ex.Message); // no C++ stack frames
        Assert.IsType<ExternalException>(ex.InnerException);
    }

    [Fact]
    public void With_shuffling_the_row_is_given_within_the_batch_and_the_message_says_the_data_row_is_unknown()
    {
        var train = Batches((torch.randn(8, 4), Zeros(8)), (torch.randn(8, 4), Labels(0, 1, 2, 3, 0, 0, 0, 0)));
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(train, Data.Classification(16), Options with { Shuffle = true }));
        Assert.Contains("row 3 of the batch (the data was shuffled, so its row in the training data is not known) has 3", ex.Message);
    }

    [Fact]
    public void Another_source_with_a_bad_label_in_a_later_validation_batch_names_the_validation_batch_and_row()
    {
        var validation = Batches((torch.randn(8, 4), Zeros(8)), (torch.randn(8, 4), Labels(0, 0, 0, 7, 0, 0, 0, 0)));
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(Data.Classification(16), validation, Options));
        Assert.Contains("validation batch 2 of epoch 1 holds a class label outside [0, 3)", ex.Message);
        Assert.Contains("row 3 of the batch (row 11 of the validation data) has 7", ex.Message);
    }

    [Fact]
    public void Evaluate_names_the_batch_and_row_of_a_label_out_of_range()
    {
        var data = Data.Classification(32);
        data.Labels[27] = torch.tensor(7L);
        var ex = Assert.Throws<FineTuneDataException>(() => FineTuner.Evaluate(new TinyNet(), data, 8));
        Assert.Contains("Evaluating TinyNet: evaluation batch 4 holds a class label outside [0, 3)", ex.Message);
        Assert.Contains("row 3 of the batch (row 27 of the evaluation data) has 7", ex.Message);
    }

    [Fact]
    public void A_later_batch_of_another_width_names_the_batch_and_its_shape()
    {
        var train = Batches((torch.randn(8, 4), Zeros(8)), (torch.randn(8, 5), Zeros(8)));
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet().Fit(train, Data.Classification(16), Options));
        Assert.Contains("the model's forward pass failed on training batch 2 of epoch 1 (features [8, 5] float32, labels [8] int64)", ex.Message);
        Assert.Contains("TorchSharp said: mat1 and mat2 shapes cannot be multiplied (8x5 and 4x8)", ex.Message);
    }

    [Fact]
    public void A_later_mse_batch_whose_labels_would_broadcast_fails_instead_of_training_on_nonsense()
    {
        var train = Batches((torch.randn(8, 4), torch.zeros(8, 1)), (torch.randn(8, 4), torch.zeros(8)));
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet(outputs: 1).Fit(train, Batches((torch.randn(8, 4), torch.zeros(8, 1))),
            Options with { Loss = Loss.Mse, Metric = Metric.Mse }));
        Assert.Contains("training batch 2 of epoch 1 has labels [8] for model output [8, 1]; Mse expects labels of the output's shape", ex.Message);
    }

    [Fact]
    public void A_bad_batch_after_the_first_epoch_leaves_the_model_with_the_best_weights_and_says_which()
    {
        using var dir = new TempDir();
        var good = new[] { (torch.randn(8, 4), Zeros(8)), (torch.randn(8, 4), Zeros(8)) };
        var bad = new[] { good[0], (torch.randn(8, 4), Labels(0, 0, 5, 0, 0, 0, 0, 0)) };
        // Pass 1 is the dry batch, pass 2 epoch 1, pass 3 epoch 2.
        var train = new PassSource(pass => pass <= 2 ? good : bad);
        var model = new TinyNet { FreezeBackbone = false };
        var ex = Assert.Throws<FineTuneDataException>(() => model.Fit(train, Data.Classification(16), Options with { Epochs = 3, CheckpointDirectory = dir.Path }));
        Assert.Contains("training batch 2 of epoch 2 holds a class label outside [0, 3)", ex.Message);
        Assert.EndsWith($"The model now holds the weights of epoch 1, the best so far; its checkpoint {dir.File("best.bin")} was kept.", ex.Message);
        Assert.IsType<ExternalException>(ex.InnerException);
        var saved = new TinyNet();
        saved.LoadPretrained(dir.File("best.bin"));
        foreach (var (key, value) in saved.state_dict()) Assert.True(Data.SameBits(value, model.state_dict()[key]), "not the best weights: " + key);
    }

    [Fact]
    public void A_users_own_exception_in_a_custom_loss_passes_unchanged()
    {
        int calls = 0;
        var model = new TinyNet
        {
            CustomLoss = (output, labels) => torch.is_grad_enabled() && ++calls == 2
                ? throw new InvalidOperationException("my loss is unhappy")
                : nn.functional.cross_entropy(output, labels),
        };
        var ex = Assert.Throws<InvalidOperationException>(() => model.Fit(Data.Classification(16), Data.Classification(16, seed: 3), Options with { Loss = Loss.Custom }));
        Assert.Equal("my loss is unhappy", ex.Message);
    }

    [Fact]
    public void Bce_targets_outside_zero_one_late_in_a_tensor_dataset_fail_before_training()
    {
        var x = torch.randn(24, 4);
        var y = torch.zeros(24, 1);
        y[13, 0] = torch.tensor(2f);
        var ex = Assert.Throws<FineTuneDataException>(() => new TinyNet(outputs: 1).Fit(new LabeledTensors(x, y), new LabeledTensors(torch.randn(8, 4), torch.zeros(8, 1)),
            Options with { Loss = Loss.BceWithLogits, Metric = Metric.Loss }));
        Assert.Contains("The training data of Attune.FineTuning.Tests.TinyNet holds BceWithLogits targets from 0 to 2; expected probabilities in [0, 1]: row 13, feature (column) 0 is 2", ex.Message);
    }
}

/// <summary>A batch source that is not a LabeledTensors: fixed batches, in order (it ignores shuffling, as some do).</summary>
internal sealed class ListSource((Tensor X, Tensor Y)[] batches) : IBatchSource
{
    public long Count => batches.Sum(b => b.Y.size(0));

    public IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        foreach (var (x, y) in batches) yield return (x.alias(), y.alias());
    }
}

/// <summary>A source whose batches (made beforehand) depend on the pass, 1 for the first: a batch goes bad in a later epoch.</summary>
internal sealed class PassSource(Func<int, (Tensor X, Tensor Y)[]> batchesOfPass) : IBatchSource
{
    private int _pass;

    public long Count => batchesOfPass(1).Sum(b => b.Y.size(0));


    public IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        var batches = batchesOfPass(++_pass);
        foreach (var (x, y) in batches) yield return (x.alias(), y.alias());
    }
}
