using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Bench;

/// <summary>
/// Attune's RunFineTune against the hand-written loop, interleaved in one process: each round runs both (the order
/// alternates round by round so drift and cache effects hit both sides equally), round 0 is a discarded warm-up. The
/// figures are the whole run (optimizer creation, every step, every validation pass, best-weights copies) divided by
/// the number of optimizer steps, as wall time and as the running thread's CPU time (robust when other processes
/// compete for the cores).
/// </summary>
internal static class FineTuneBench
{
    public static int Run(int rounds, int epochs)
    {
        using var data = BenchData.Load(BenchData.DefaultPath);
        var train = new LabeledTensors(data.TrainX, data.TrainY);
        var validation = new LabeledTensors(data.ValidationX, data.ValidationY);
        long stepsPerEpoch = (data.TrainCount + DigitsMlp.BatchSize - 1) / DigitsMlp.BatchSize;

        Console.WriteLine("finetune: digits MLP 64-256-256-10 (Linear-ReLU-Linear-ReLU-Linear), first Linear frozen,");
        Console.WriteLine($"  AdamW lr {DigitsMlp.LearningRate:G} weight_decay {DigitsMlp.WeightDecay:G}, batch {DigitsMlp.BatchSize}, seed {DigitsMlp.Seed}, 1 thread;");
        Console.WriteLine($"  {data.TrainCount} training rows ({stepsPerEpoch} steps/epoch), {data.ValidationCount} validation rows; {epochs} epochs = {stepsPerEpoch * epochs} steps per run,");
        Console.WriteLine($"  each epoch followed by a validation pass (loss + accuracy); {rounds - 1} measured rounds + 1 warm-up, order alternating.");
        Console.WriteLine("  µs/step = (whole run) / (optimizer steps); wall = elapsed time, cpu = the thread's CPU time.");
        Console.WriteLine();

        bool attuneAvailable = AttuneAvailable(train, validation);
        if (!attuneAvailable)
            Console.WriteLine("  (FineTuner.Run is not implemented in this build: timing the hand-written loop only)");
        Console.WriteLine("  round    order          hand wall  Attune wall  ratio    hand cpu  Attune cpu  ratio");

        var hand = new List<RunResult>();
        var attune = new List<RunResult>();
        RunResult? firstHand = null, firstAttune = null;
        for (int round = 0; round < rounds; round++)
        {
            bool handFirst = round % 2 == 0;
            RunResult h, a;
            if (!attuneAvailable) { h = RunHand(data, epochs); a = h; }
            else if (handFirst) { h = RunHand(data, epochs); a = RunAttune(train, validation, epochs); }
            else { a = RunAttune(train, validation, epochs); h = RunHand(data, epochs); }
            firstHand ??= h;
            firstAttune ??= a;
            string label = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-9}{(handFirst ? "hand, Attune" : "Attune, hand"),-13}{h.MicrosecondsPerStep,11:F1}{a.MicrosecondsPerStep,13:F1}{a.MicrosecondsPerStep / h.MicrosecondsPerStep,7:F3}{h.CpuMicrosecondsPerStep,12:F1}{a.CpuMicrosecondsPerStep,12:F1}{a.CpuMicrosecondsPerStep / h.CpuMicrosecondsPerStep,7:F3}"));
            if (round == 0) continue;
            hand.Add(h);
            attune.Add(a);
        }

        var handWall = hand.Select(r => r.MicrosecondsPerStep).ToList();
        var handCpu = hand.Select(r => r.CpuMicrosecondsPerStep).ToList();
        if (!attuneAvailable)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hand-written loop µs/step: wall median {Stats.Median(handWall):F1} min {handWall.Min():F1}; cpu median {Stats.Median(handCpu):F1} min {handCpu.Min():F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT finetune hand_wall_median_us={Stats.Median(handWall):F1} hand_cpu_median_us={Stats.Median(handCpu):F1}"));
            return 1;
        }
        var attuneWall = attune.Select(r => r.MicrosecondsPerStep).ToList();
        var attuneCpu = attune.Select(r => r.CpuMicrosecondsPerStep).ToList();
        var wallRatios = hand.Zip(attune, (h, a) => a.MicrosecondsPerStep / h.MicrosecondsPerStep).ToList();
        var cpuRatios = hand.Zip(attune, (h, a) => a.CpuMicrosecondsPerStep / h.CpuMicrosecondsPerStep).ToList();

        Console.WriteLine();
        Console.WriteLine("  µs/step over measured rounds     wall median  wall min  cpu median  cpu min");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hand-written TorchSharp loop    {Stats.Median(handWall),11:F1}{handWall.Min(),10:F1}{Stats.Median(handCpu),12:F1}{handCpu.Min(),9:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Attune RunFineTune              {Stats.Median(attuneWall),11:F1}{attuneWall.Min(),10:F1}{Stats.Median(attuneCpu),12:F1}{attuneCpu.Min(),9:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Attune/hand                     {Stats.Median(attuneWall) / Stats.Median(handWall),11:F3}{attuneWall.Min() / handWall.Min(),10:F3}{Stats.Median(attuneCpu) / Stats.Median(handCpu),12:F3}{attuneCpu.Min() / handCpu.Min(),9:F3}"));
        double wallRatio = Stats.Median(wallRatios), cpuRatio = Stats.Median(cpuRatios);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median of per-round ratios: wall {wallRatio:F3} (range {wallRatios.Min():F3}-{wallRatios.Max():F3}), cpu {cpuRatio:F3} (range {cpuRatios.Min():F3}-{cpuRatios.Max():F3})"));
        // Rounds in which neither run waited for a core (wall within 2 % of the thread's CPU time) were not disturbed by
        // other processes being scheduled; their wall-time ratios are the cleanest figure a shared machine gives.
        var quiet = hand.Zip(attune, (h, a) => (h, a)).Where(p => Undisturbed(p.h) && Undisturbed(p.a))
            .Select(p => p.a.MicrosecondsPerStep / p.h.MicrosecondsPerStep).ToList();
        string quietText = quiet.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture,
            $"{quiet.Count} of {hand.Count}, median wall ratio {Stats.Median(quiet):F3} (range {quiet.Min():F3}-{quiet.Max():F3})");
        Console.WriteLine($"  undisturbed rounds (both runs' wall time within 2 % of their CPU time): {quietText}");
        Console.WriteLine($"  goal Attune/hand <= 1.03 (median per-round ratio): wall {(wallRatio <= 1.03 ? "met" : "MISSED")}, cpu {(cpuRatio <= 1.03 ? "met" : "MISSED")}" +
            (quiet.Count == 0 ? "" : $", undisturbed rounds {(Stats.Median(quiet) <= 1.03 ? "met" : "MISSED")}"));
        // Deterministic, unlike time: managed allocation and collections per run (the last measured round).
        var (lastHand, lastAttune) = (hand[^1], attune[^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  managed allocation per run (last round): hand {lastHand.AllocatedBytes / 1024.0:F1} KiB ({(double)lastHand.AllocatedBytes / lastHand.Steps:F0} B/step), {lastHand.Gen0Collections} gen0 GCs; Attune {lastAttune.AllocatedBytes / 1024.0:F1} KiB ({(double)lastAttune.AllocatedBytes / lastAttune.Steps:F0} B/step), {lastAttune.Gen0Collections} gen0 GCs"));
        Console.WriteLine($"  load average at the end: {Machine.LoadAverage()}");

        // Same seed, same data, same operations: both sides should have computed the same numbers. Checked on round 0.
        Console.WriteLine();
        Console.WriteLine(SameWork(firstHand!, firstAttune!));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT finetune hand_wall_median_us={Stats.Median(handWall):F1} attune_wall_median_us={Stats.Median(attuneWall):F1} hand_cpu_median_us={Stats.Median(handCpu):F1} attune_cpu_median_us={Stats.Median(attuneCpu):F1} ratio_wall={wallRatio:F3} ratio_cpu={cpuRatio:F3}"));
        return 0;
    }

    private static bool Undisturbed(RunResult run) => run.Elapsed.Ticks <= run.Cpu.Ticks * 1.02;

    private static bool AttuneAvailable(LabeledTensors train, LabeledTensors validation)
    {
        try
        {
            torch.manual_seed(DigitsMlp.Seed);
            using var model = new DigitsMlp();
            model.RunFineTune(train, validation, DigitsMlp.FineTuneDefaults with { ConsoleProgress = false, Epochs = 1 });
            return true;
        }
        catch (NotImplementedException)
        {
            return false;
        }
    }

    private static RunResult RunHand(BenchData data, int epochs)
    {
        Quiesce();
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        return HandLoop.Run(model, data, epochs);
    }

    private static RunResult RunAttune(LabeledTensors train, LabeledTensors validation, int epochs)
    {
        Quiesce();
        torch.manual_seed(DigitsMlp.Seed);
        using var model = new DigitsMlp();
        var options = DigitsMlp.FineTuneDefaults with { ConsoleProgress = false, Epochs = epochs };
        long allocatedStart = GC.GetAllocatedBytesForCurrentThread();
        int gen0Start = GC.CollectionCount(0);
        var cpuStart = ThreadClock.Now();
        var clock = Stopwatch.StartNew();
        var report = model.RunFineTune(train, validation, options);
        clock.Stop();
        var cpu = ThreadClock.Now() - cpuStart;
        var epochResults = report.Epochs.Select(e => (e.TrainLoss, e.ValidationLoss, e.Metric)).ToList();
        return new RunResult(report.TotalSteps, clock.Elapsed, cpu, epochResults, report.BestMetric, report.BestEpoch)
        {
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocatedStart,
            Gen0Collections = GC.CollectionCount(0) - gen0Start,
        };
    }

    /// <summary>Collect garbage from the previous run outside the timed region, for both sides alike.</summary>
    private static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string SameWork(RunResult hand, RunResult attune)
    {
        if (hand.Steps != attune.Steps || hand.Epochs.Count != attune.Epochs.Count)
            return $"Same work check: FAILED: hand ran {hand.Steps} steps / {hand.Epochs.Count} epochs, Attune {attune.Steps} / {attune.Epochs.Count}.";
        double maxLoss = 0, maxAccuracy = 0;
        for (int i = 0; i < hand.Epochs.Count; i++)
        {
            maxLoss = Math.Max(maxLoss, Math.Abs(hand.Epochs[i].TrainLoss - attune.Epochs[i].TrainLoss));
            maxLoss = Math.Max(maxLoss, Math.Abs(hand.Epochs[i].ValidationLoss - attune.Epochs[i].ValidationLoss));
            maxAccuracy = Math.Max(maxAccuracy, Math.Abs(hand.Epochs[i].Accuracy - attune.Epochs[i].Accuracy));
        }
        var last = hand.Epochs[^1];
        var lastA = attune.Epochs[^1];
        return string.Create(CultureInfo.InvariantCulture,
            $"Same work check (warm-up round): {hand.Steps} steps each; largest per-epoch difference hand vs Attune: loss {maxLoss:G3}, accuracy {maxAccuracy:G3}{(maxLoss < 1e-5 && maxAccuracy == 0 ? " (identical training)" : " (DIFFERENT: the loops do not do the same work)")}.\n" +
            $"  last epoch: hand train loss {last.TrainLoss:F5} validation loss {last.ValidationLoss:F5} accuracy {last.Accuracy:P2}; Attune {lastA.TrainLoss:F5} / {lastA.ValidationLoss:F5} / {lastA.Accuracy:P2}; best epoch hand {hand.BestEpoch} ({hand.BestMetric:P2}), Attune {attune.BestEpoch} ({attune.BestMetric:P2})");
    }
}
