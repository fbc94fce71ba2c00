using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>What one training run did, from either side.</summary>
internal sealed record RunResult(long Steps, TimeSpan Elapsed, TimeSpan Cpu, IReadOnlyList<(double TrainLoss, double ValidationLoss, double Accuracy)> Epochs, double BestMetric, int BestEpoch)
{
    /// <summary>Managed bytes the running thread allocated during the run.</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Generation-0 collections during the run.</summary>
    public int Gen0Collections { get; init; }

    /// <summary>Wall time of the training passes alone (each epoch from model.train() to its last step; no validation,
    /// no setup): what <see cref="Attune.FineTuning.EpochResult.Duration"/> measures on the library's side.</summary>
    public TimeSpan Training { get; init; }

    /// <summary>Wall time per optimizer step.</summary>
    public double MicrosecondsPerStep => Elapsed.TotalMicroseconds / Steps;

    /// <summary>The running thread's CPU time per optimizer step.</summary>
    public double CpuMicrosecondsPerStep => Cpu.TotalMicroseconds / Steps;
}

/// <summary>
/// The baseline: the fine-tune written by hand in TorchSharp, doing the same work as Attune's trainer (FineTuner.Run)
/// for this model and these options, and nothing more:
/// <list type="bullet">
/// <item>freeze the first Linear (requires_grad = false) and give AdamW only the trainable parameters (one group);</item>
/// <item>torch.manual_seed(seed), and a separate Generator(seed) for shuffling;</item>
/// <item>per epoch: model.train(); one randperm over the training rows (outside the step scopes); per batch, inside one
///   dispose scope: narrow the permutation, index_select features and labels, forward, cross_entropy, loss.item, backward,
///   optimizer.step, optimizer.zero_grad;</item>
/// <item>per epoch, the validation pass: model.eval(), no_grad, batches of 32 made with narrow, each in its own scope:
///   forward, cross_entropy, loss.item, argmax(1).eq(labels).sum().item (accuracy);</item>
/// <item>keep the best epoch's weights (an in-memory copy updated with copy_ on improvement) and restore them at the end.</item>
/// </list>
/// The trainer additionally runs one no-grad "dry batch" forward on each data source before training (a check), and
/// sets each parameter group's learning rate from its schedule every step; those are Attune's own overhead and are
/// left out here on purpose.
/// </summary>
internal static class HandLoop
{
    public static RunResult Run(DigitsMlp model, BenchData data, int epochs, int batchSize = DigitsMlp.BatchSize,
        double learningRate = DigitsMlp.LearningRate, double weightDecay = DigitsMlp.WeightDecay, long seed = DigitsMlp.Seed,
        Action<int, long>? afterEpoch = null)
    {
        long allocatedStart = GC.GetAllocatedBytesForCurrentThread();
        int gen0Start = GC.CollectionCount(0);
        var cpuStart = ThreadClock.Now();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var p in model.FrozenParameters) p.requires_grad = false;
        var trainable = new List<TorchSharp.Modules.Parameter>();
        foreach (var p in model.parameters())
            if (p.requires_grad) trainable.Add(p);

        torch.manual_seed(seed);
        using var shuffle = new Generator((ulong)seed);
        using var optimizer = optim.AdamW(trainable, lr: learningRate, weight_decay: weightDecay);
        using var best = new Snapshot(model);

        var epochResults = new List<(double, double, double)>(epochs);
        long n = data.TrainCount;
        long steps = 0;
        var training = TimeSpan.Zero;
        double bestMetric = double.NaN;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var epochClock = System.Diagnostics.Stopwatch.StartNew();
            model.train();
            double lossSum = 0;
            using (var permutation = torch.randperm(n, generator: shuffle))
            {
                for (long start = 0; start < n; start += batchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    long length = Math.Min(batchSize, n - start);
                    var index = permutation.narrow(0, start, length);
                    var x = data.TrainX.index_select(0, index);
                    var y = data.TrainY.index_select(0, index);
                    var output = model.call(x);
                    var loss = nn.functional.cross_entropy(output, y);
                    double lossValue = loss.item<float>();
                    loss.backward();
                    optimizer.step();
                    optimizer.zero_grad();
                    lossSum += lossValue * length;
                    steps++;
                }
            }
            training += epochClock.Elapsed;

            var (validationLoss, accuracy) = Validate(model, data, batchSize);
            epochResults.Add((lossSum / n, validationLoss, accuracy));
            if (bestEpoch == 0 || accuracy > bestMetric)
            {
                bestMetric = accuracy;
                bestEpoch = epoch;
                best.CopyFrom(model);
            }
            afterEpoch?.Invoke(epoch, steps);
        }
        best.RestoreInto(model);
        model.eval();
        clock.Stop();
        var cpu = ThreadClock.Now() - cpuStart;
        return new RunResult(steps, clock.Elapsed, cpu, epochResults, bestMetric, bestEpoch)
        {
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedStart,
            Gen0Collections = GC.CollectionCount(0) - gen0Start,
            Training = training,
        };
    }

    public static (double Loss, double Accuracy) Validate(DigitsMlp model, BenchData data, int batchSize)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        long n = data.ValidationCount;
        double lossSum = 0;
        long correct = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            long length = Math.Min(batchSize, n - start);
            var x = data.ValidationX.narrow(0, start, length);
            var y = data.ValidationY.narrow(0, start, length);
            var output = model.call(x);
            lossSum += nn.functional.cross_entropy(output, y).item<float>() * length;
            correct += output.argmax(1).eq(y).sum().item<long>();
        }
        return (lossSum / n, (double)correct / n);
    }

    /// <summary>An in-memory copy of the model's state, made once and overwritten with copy_.</summary>
    private sealed class Snapshot : IDisposable
    {
        private readonly List<(Tensor Source, Tensor Copy)> _pairs = new();

        public Snapshot(nn.Module model)
        {
            using var noGrad = torch.no_grad();
            foreach (var (_, tensor) in model.state_dict())
                _pairs.Add((tensor, tensor.clone().DetachFromDisposeScope())); // under no_grad: a plain copy, no detach() wrapper to leak
        }

        public void CopyFrom(nn.Module model)
        {
            using var noGrad = torch.no_grad();
            foreach (var (source, copy) in _pairs) copy.copy_(source);
        }

        public void RestoreInto(nn.Module model)
        {
            using var noGrad = torch.no_grad();
            foreach (var (source, copy) in _pairs) source.copy_(copy);
        }

        public void Dispose()
        {
            foreach (var (_, copy) in _pairs) copy.Dispose();
        }
    }
}
