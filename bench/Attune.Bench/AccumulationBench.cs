using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Bench;

/// <summary>
/// Gradient accumulation through Attune's trainer: k micro-batches of 32 against one batch of 32·k.
/// <list type="number">
/// <item><b>Same gradient.</b> On the first 32·k training rows (no shuffle), one optimizer step of plain SGD
///   (lr 1, no momentum, no weight decay) from the same initial weights, once with BatchSize 32 and
///   AccumulationSteps k, once with BatchSize 32·k: the step's gradient is (w_before − w_after) / lr. Printed: the
///   largest absolute difference of the two gradients and that over the largest gradient entry. The same is done on
///   32·k − 20 rows, whose last micro-batch is short (12 rows), to show the example weighting.</item>
/// <item><b>Time per example.</b> The benchmark's fine-tune (digits MLP, first Linear frozen, AdamW, no shuffle)
///   for a few epochs both ways, interleaved and alternating order per round (round 0 a discarded warm-up); whole-run
///   wall and thread-CPU time per training example, median over rounds.</item>
/// </list>
/// </summary>
internal static class AccumulationBench
{
    private const int MicroBatch = 32;

    public static int Run(int rounds, int epochs, int[] ks)
    {
        using var data = BenchData.Load(BenchData.DefaultPath);
        Console.WriteLine($"accumulation: digits MLP 64-256-256-10, first Linear frozen; micro-batches of {MicroBatch}; k = {string.Join(", ", ks)}; 1 thread.");
        Console.WriteLine();
        Console.WriteLine("  same gradient: one SGD step (lr 1, momentum 0) from the same weights; g = w_before - w_after");
        Console.WriteLine("   k   rows                                      Attune k micro-batches vs one batch   |  if each micro-batch's mean were divided by k");
        Console.WriteLine("                                                   max |diff|   max |g|    relative   |  max |diff|    relative");
        bool ok = true;
        foreach (int k in ks)
        {
            foreach (int rows in new[] { MicroBatch * k, MicroBatch * k - 20 })
            {
                if (rows <= 0) continue;
                var (maxDiff, maxG, naiveDiff) = GradientDifference(data, rows, k);
                double relative = maxDiff / maxG;
                ok &= relative < 1e-4;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {k,2}  {rows,5}   {(rows % MicroBatch == 0 ? "all micro-batches full" : "last micro-batch of " + rows % MicroBatch),-33}{maxDiff,13:E2}{maxG,10:F4}{relative,12:E2}   |{naiveDiff,12:E2}{naiveDiff / maxG,12:E2}"));
            }
        }
        Console.WriteLine($"  gradients equal to float32 rounding (relative < 1e-4): {(ok ? "yes" : "NO")}");
        Console.WriteLine();

        var train = new LabeledTensors(data.TrainX, data.TrainY);
        var validation = new LabeledTensors(data.ValidationX, data.ValidationY);
        long examples = data.TrainCount * epochs;
        Console.WriteLine($"  time: {epochs} epochs x {data.TrainCount} rows = {examples} examples per run (validation included), AdamW, no shuffle; {rounds - 1} measured rounds + 1 warm-up, order alternating.");
        Console.WriteLine("  µs per example, medians (wall / thread cpu); ratio = accumulated / one batch, median of per-round ratios");
        Console.WriteLine("   k  steps   k x 32 accumulated   one batch of k x 32   batches of 32, k = 1   ratio wall  ratio cpu");
        foreach (int k in ks)
        {
            var accumulated = new List<(double Wall, double Cpu)>();
            var single = new List<(double Wall, double Cpu)>();
            var ratios = new List<(double Wall, double Cpu)>();
            var plain = new List<(double Wall, double Cpu)>();
            long steps = 0;
            for (int round = 0; round < rounds; round++)
            {
                (double, double, long) a, s;
                if (round % 2 == 0) { a = Time(train, validation, epochs, MicroBatch, k, examples); s = Time(train, validation, epochs, MicroBatch * k, 1, examples); }
                else { s = Time(train, validation, epochs, MicroBatch * k, 1, examples); a = Time(train, validation, epochs, MicroBatch, k, examples); }
                var p = Time(train, validation, epochs, MicroBatch, 1, examples);
                if (round == 0) continue;
                plain.Add((p.Item1, p.Item2));
                steps = a.Item3;
                accumulated.Add((a.Item1, a.Item2));
                single.Add((s.Item1, s.Item2));
                ratios.Add((a.Item1 / s.Item1, a.Item2 / s.Item2));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {k,2}  {steps,5}   {Median(accumulated)}   {Median(single)}    {Median(plain)}     {Stats.Median(ratios.Select(r => r.Wall).ToList()),8:F3}   {Stats.Median(ratios.Select(r => r.Cpu).ToList()),8:F3}"));
        }
        Console.WriteLine();

        // What checking gradients on every step would cost when the user did not ask for clipping: the same run with
        // MaxGradNorm = 1e6 (clip_grad_norm_ computes the global norm, which Attune checks, and scales by 1).
        var plainRuns = new List<double>();
        var checkedRuns = new List<double>();
        var checkRatios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double p, c;
            if (round % 2 == 0) { p = Time(train, validation, epochs, MicroBatch, 1, examples).Item2; c = Time(train, validation, epochs, MicroBatch, 1, examples, maxGradNorm: 1e6).Item2; }
            else { c = Time(train, validation, epochs, MicroBatch, 1, examples, maxGradNorm: 1e6).Item2; p = Time(train, validation, epochs, MicroBatch, 1, examples).Item2; }
            if (round == 0) continue;
            plainRuns.Add(p);
            checkedRuns.Add(c);
            checkRatios.Add(c / p);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  gradient-norm check on every step (MaxGradNorm = 1e6 vs 0, batches of 32, k = 1): thread cpu µs/example {Stats.Median(checkedRuns):F2} vs {Stats.Median(plainRuns):F2}, median per-round ratio {Stats.Median(checkRatios):F3}"));

        // What opt-in TensorBoard output costs (Attune's buffered event file, TensorBoardEventFile).
        string tensorBoard = Path.Combine(Path.GetTempPath(), "attune-bench-tb-" + Environment.ProcessId);
        var offRuns = new List<double>();
        var onRuns = new List<double>();
        var onRatios = new List<double>();
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                double off, on;
                if (round % 2 == 0) { off = Time(train, validation, epochs, MicroBatch, 1, examples).Item1; on = Time(train, validation, epochs, MicroBatch, 1, examples, tensorBoard: tensorBoard).Item1; }
                else { on = Time(train, validation, epochs, MicroBatch, 1, examples, tensorBoard: tensorBoard).Item1; off = Time(train, validation, epochs, MicroBatch, 1, examples).Item1; }
                if (round == 0) continue;
                offRuns.Add(off);
                onRuns.Add(on);
                onRatios.Add(on / off);
            }
        }
        finally
        {
            if (Directory.Exists(tensorBoard)) Directory.Delete(tensorBoard, recursive: true);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  TensorBoardDirectory set vs null (batches of 32, k = 1, one parameter group: 2 scalars per step, 3 per epoch): wall µs/example {Stats.Median(onRuns):F2} vs {Stats.Median(offRuns):F2}, median per-round ratio {Stats.Median(onRatios):F3}"));
        Console.WriteLine($"  load average at the end: {Machine.LoadAverage()}");
        return ok ? 0 : 1;
    }

    private static string Median(List<(double Wall, double Cpu)> runs)
        => string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(runs.Select(r => r.Wall).ToList()),8:F2} / {Stats.Median(runs.Select(r => r.Cpu).ToList()),8:F2}");

    /// <summary>Largest |g_accumulated − g_one_batch| and largest |g| after one SGD step on the first <paramref name="rows"/> rows.</summary>
    private static (double MaxDiff, double MaxG, double NaiveDiff) GradientDifference(BenchData data, int rows, int k)
    {
        var x = data.TrainX.narrow(0, 0, rows);
        var y = data.TrainY.narrow(0, 0, rows);
        var set = new LabeledTensors(x, y);
        var options = DigitsMlp.FineTuneDefaults with
        {
            ConsoleProgress = false, Epochs = 1, Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 1, WeightDecay = 0, Shuffle = false,
        };
        var accumulated = Step(set, options with { BatchSize = MicroBatch, AccumulationSteps = k });
        var single = Step(set, options with { BatchSize = rows, AccumulationSteps = 1 });
        var naive = DividedByK(x, y, k);
        double maxDiff = 0, maxG = 0, naiveDiff = 0;
        foreach (var (name, g) in accumulated)
        {
            using var scope = torch.NewDisposeScope();
            maxDiff = Math.Max(maxDiff, (g - single[name]).abs().max().item<float>());
            maxG = Math.Max(maxG, single[name].abs().max().item<float>());
            naiveDiff = Math.Max(naiveDiff, (naive[name] - single[name]).abs().max().item<float>());
        }
        foreach (var t in accumulated.Values.Concat(single.Values).Concat(naive.Values)) t.Dispose();
        return (maxDiff, maxG, naiveDiff);
    }

    /// <summary>For comparison, the normalization Attune avoids, by hand: each micro-batch's mean loss divided by k.</summary>
    private static Dictionary<string, Tensor> DividedByK(Tensor x, Tensor y, int k)
    {
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        foreach (var p in model.FrozenParameters) p.requires_grad = false;
        long rows = x.shape[0];
        for (long start = 0; start < rows; start += MicroBatch)
        {
            using var scope = torch.NewDisposeScope();
            long length = Math.Min(MicroBatch, rows - start);
            (nn.functional.cross_entropy(model.call(x.narrow(0, start, length)), y.narrow(0, start, length)) / k).backward();
        }
        var gradients = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.named_parameters())
            if (parameter.requires_grad) gradients[name] = parameter.grad!.detach().clone().DetachFromDisposeScope();
        return gradients;
    }

    /// <summary>The gradient of the one optimizer step a run makes: (w_before − w_after) / lr, per trainable parameter.</summary>
    private static Dictionary<string, Tensor> Step(LabeledTensors set, FineTuneOptions options)
    {
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        var report = model.RunFineTune(set, set, options);
        if (report.TotalSteps != 1) throw new InvalidOperationException($"Expected one optimizer step; the run made {report.TotalSteps}.");
        var gradients = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad) { before[name].Dispose(); continue; }
            using var scope = torch.NewDisposeScope();
            gradients[name] = ((before[name] - parameter.detach()) / options.LearningRate).DetachFromDisposeScope();
            before[name].Dispose();
        }
        return gradients;
    }

    private static (double WallPerExample, double CpuPerExample, long Steps) Time(LabeledTensors train, LabeledTensors validation, int epochs, int batchSize, int k, long examples, double maxGradNorm = 0, string? tensorBoard = null)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        var options = DigitsMlp.FineTuneDefaults with { ConsoleProgress = false, Epochs = epochs, BatchSize = batchSize, AccumulationSteps = k, Shuffle = false, MaxGradNorm = maxGradNorm, TensorBoardDirectory = tensorBoard };
        var cpuStart = ThreadClock.Now();
        var clock = Stopwatch.StartNew();
        var report = model.RunFineTune(train, validation, options);
        clock.Stop();
        var cpu = ThreadClock.Now() - cpuStart;
        return (clock.Elapsed.TotalMicroseconds / examples, cpu.TotalMicroseconds / examples, report.TotalSteps);
    }
}
