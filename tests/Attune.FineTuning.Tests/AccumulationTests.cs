using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class AccumulationTests
{
    public AccumulationTests() => Torch.Init();

    /// <summary>A TinyNet with every parameter trainable and the same initial weights for the same seed.</summary>
    private static TinyNet Fresh(int seed = 11)
    {
        torch.manual_seed(seed);
        return new TinyNet { FreezeBackbone = false };
    }

    private static FineTuneOptions Sgd(int batchSize, int accumulation, int epochs = 1, double maxGradNorm = 0) => new()
    {
        Epochs = epochs, BatchSize = batchSize, AccumulationSteps = accumulation, LearningRate = 0.5, Optimizer = OptimizerKind.Sgd,
        Momentum = 0, Shuffle = false, MaxGradNorm = maxGradNorm, Loss = Loss.CrossEntropy,
    };

    private static double MaxAbsDifference(TinyNet a, TinyNet b)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        double max = 0;
        foreach (var (name, tensor) in sa)
        {
            using var scope = torch.NewDisposeScope();
            max = Math.Max(max, (tensor - sb[name]).abs().max().item<float>());
        }
        return max;
    }

    [Fact]
    public void Four_micro_batches_make_the_same_step_as_one_batch_four_times_larger()
    {
        var data = Data.Classification(32);
        var accumulated = Fresh();
        var big = Fresh();
        var before = accumulated.Snapshot();

        var a = accumulated.Fit(data, data, Sgd(batchSize: 8, accumulation: 4));
        var b = big.Fit(data, data, Sgd(batchSize: 32, accumulation: 1));

        Assert.Equal(1, a.TotalSteps);
        Assert.Equal(1, b.TotalSteps);
        Assert.False(Data.SameBits(before["head.weight"], accumulated.head.weight!)); // it did move
        Assert.InRange(MaxAbsDifference(accumulated, big), 0, 1e-6);
        Assert.Equal(b.Epochs[0].TrainLoss, a.Epochs[0].TrainLoss, 6);
    }

    [Fact]
    public void A_short_last_window_with_a_short_last_batch_is_weighted_by_examples()
    {
        // 44 examples in batches of 8, windows of 4: [8 8 8 8] then [8 4] — 32 and 12 examples. Batches of 32 without
        // accumulation split the data the same way, so both runs must end with the same weights. Dividing each
        // micro-batch's loss by k (instead of weighting by examples) would halve the second step and weight its
        // 4-example batch like the 8-example one.
        var data = Data.Classification(44);
        var accumulated = Fresh();
        var big = Fresh();
        var steps = new List<FineTuneProgress>();
        var bigSteps = new List<FineTuneProgress>();

        var a = accumulated.Fit(data, data, Sgd(batchSize: 8, accumulation: 4, epochs: 2), new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) steps.Add(p); }));
        var b = big.Fit(data, data, Sgd(batchSize: 32, accumulation: 1, epochs: 2), new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) bigSteps.Add(p); }));

        Assert.Equal(4, a.TotalSteps);                          // ceil(6 batches / 4) × 2 epochs
        Assert.Equal(b.TotalSteps, a.TotalSteps);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, steps.Select(p => p.Step));
        Assert.All(steps, p => Assert.Equal(4, p.TotalSteps));
        for (int i = 0; i < 4; i++) // each step reports the mean loss over its window, as the one batch does
            Assert.Equal(bigSteps[i].Loss, steps[i].Loss, 6);
        Assert.InRange(MaxAbsDifference(accumulated, big), 0, 1e-6);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(b.Epochs[e].Steps, a.Epochs[e].Steps);
            Assert.Equal(b.Epochs[e].TrainLoss, a.Epochs[e].TrainLoss, 6);
        }
    }

    [Fact]
    public void Clipping_happens_once_per_optimizer_step_on_the_accumulated_gradient()
    {
        // A tight clip is active on every step; clipping each micro-batch instead would give a different update.
        var data = Data.Classification(32);
        var accumulated = Fresh();
        var big = Fresh();
        var perMicroBatch = Fresh();

        accumulated.Fit(data, data, Sgd(batchSize: 8, accumulation: 4, epochs: 2, maxGradNorm: 0.05));
        big.Fit(data, data, Sgd(batchSize: 32, accumulation: 1, epochs: 2, maxGradNorm: 0.05));
        perMicroBatch.Fit(data, data, Sgd(batchSize: 8, accumulation: 1, epochs: 2, maxGradNorm: 0.05));

        Assert.InRange(MaxAbsDifference(accumulated, big), 0, 1e-6);
        Assert.True(MaxAbsDifference(accumulated, perMicroBatch) > 1e-3);
    }

    [Fact]
    public void The_schedule_and_warmup_count_optimizer_steps()
    {
        var data = Data.Classification(64);
        var rates = new List<double>();
        var options = Sgd(batchSize: 8, accumulation: 2, epochs: 2) with { Schedule = LrSchedule.Linear, WarmupSteps = 2 };
        var report = Fresh().Fit(data, data, options, new InlineProgress(p => { if (p.Phase == FineTunePhase.Training) rates.Add(p.LearningRate); }));

        Assert.Equal(8, report.TotalSteps);                     // 8 batches / 2 × 2 epochs
        var schedule = new LearningRateSchedule(LrSchedule.Linear, 8, 2);
        Assert.Equal(Enumerable.Range(0, 8).Select(s => 0.5 * schedule.Factor(s)), rates);
    }

    [Fact]
    public void Warmup_longer_than_the_optimizer_steps_counts_windows_not_batches()
    {
        // 16 examples in batches of 4 are 4 batches but, with 2 per step, 2 optimizer steps per epoch.
        var data = Data.Classification(16);
        var ex = Assert.Throws<ArgumentException>(() => Fresh().Fit(data, data, Sgd(batchSize: 4, accumulation: 2, epochs: 2) with { WarmupSteps = 4 }));
        Assert.Contains("only 4 optimizer steps (2 epochs × 2 optimizer steps per epoch)", ex.Message);
    }

    [Fact]
    public void Window_arithmetic()
    {
        Assert.Equal(6, AccumulationWindow.BatchesPerEpoch(44, 8));
        Assert.Equal(2, AccumulationWindow.StepsPerEpoch(44, 8, 4));
        Assert.Equal(1, AccumulationWindow.StepsPerEpoch(44, 8, 100));
        Assert.Equal(32, AccumulationWindow.WindowExamples(44, 8, 4, 0));
        Assert.Equal(12, AccumulationWindow.WindowExamples(44, 8, 4, 4));
        Assert.Equal(8, AccumulationWindow.BatchExamples(44, 8, 4));
        Assert.Equal(4, AccumulationWindow.BatchExamples(44, 8, 5));
        Assert.Equal(0, AccumulationWindow.BatchExamples(44, 8, 6));
    }

    /// <summary>A source whose batches do not follow the IBatchSource contract (its Count says more than it yields).</summary>
    private sealed class ShortSource(LabeledTensors inner, long claimed) : IBatchSource
    {
        public long Count => claimed;
        public IEnumerable<(Tensor Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
            => inner.Batches(batchSize, shuffle, generator);
    }

    [Fact]
    public void A_source_that_breaks_its_batch_contract_is_a_clear_error_with_accumulation()
    {
        var data = Data.Classification(20);
        var ex = Assert.Throws<FineTuneDataException>(() => Fresh().Fit(new ShortSource(data, 24), data, Sgd(batchSize: 8, accumulation: 2)));
        Assert.Contains("yielded 4 examples in batch 3 of the epoch; expected 8", ex.Message);
        Assert.Contains("IBatchSource", ex.Message);
    }

    [Fact]
    public void Invalid_accumulation_and_non_finite_limits_are_named()
    {
        var data = Data.Classification(16);
        var ex = Assert.Throws<ArgumentException>(() => Fresh().Fit(data, data, new FineTuneOptions { AccumulationSteps = 0, MaxNonFiniteSteps = 0, TensorBoardDirectory = " " }));
        Assert.Contains("AccumulationSteps is 0; expected at least 1", ex.Message);
        Assert.Contains("MaxNonFiniteSteps is 0; expected at least 1", ex.Message);
        Assert.Contains("TensorBoardDirectory is \" \"; expected null (off) or a directory path", ex.Message);
    }

    [Fact]
    public void Accumulation_and_skipped_steps_leak_no_tensor()
    {
        // Windows of 3 batches of 2 (the last epoch window short), clipping on, and a NaN batch every 7th call.
        int calls = 0;
        Tensor Loss(Tensor output, Tensor labels)
        {
            var loss = nn.functional.cross_entropy(output, labels);
            return torch.is_grad_enabled() && ++calls % 7 == 0 ? loss * double.NaN : loss;
        }
        var model = new TinyNet { FreezeBackbone = false, CustomLoss = Loss };
        var live = new Dictionary<long, long>();
        // Sampled after each evaluation, outside every step's scope (inside one, the count depends on what the step made).
        var progress = new InlineProgress(p => { if (p.Phase == FineTunePhase.Evaluated) live[p.Epoch] = DisposeScopeManager.Statistics.ThreadTotalLiveCount; });
        var options = new FineTuneOptions { Epochs = 2, BatchSize = 2, AccumulationSteps = 3, MaxGradNorm = 1.0, Loss = Attune.Loss.Custom };

        var train = Data.Classification(100);
        var validation = Data.Classification(20, seed: 3);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var report = model.Fit(train, validation, options, progress);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(2 * 17, report.TotalSteps);        // 50 batches → 16 windows of 3 and one of 2, per epoch
        Assert.True(report.NonFiniteSteps > 0);
        Assert.Equal(live[1], live[2]);
        Assert.Equal(before, after);
    }
}
