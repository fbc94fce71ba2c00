using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Bench;

/// <summary>
/// Does a long RunFineTune leave anything behind? Counts tensors with TorchSharp's per-thread DisposeScopeManager
/// statistics (exact since 0.103.1) around the run and after every epoch (through the progress callback), and samples
/// the process's resident memory after a warm-up run and then after every epoch. The same measurement is run on the
/// hand-written loop as a control.
/// </summary>
internal static class LeakBench
{
    private const int WarmUpEpochs = 20;

    public static int Run(int epochs, bool control, bool controlFirst)
    {
        using var data = BenchData.Load(BenchData.DefaultPath);
        var train = new LabeledTensors(data.TrainX, data.TrainY);
        var validation = new LabeledTensors(data.ValidationX, data.ValidationY);
        long stepsPerEpoch = (data.TrainCount + DigitsMlp.BatchSize - 1) / DigitsMlp.BatchSize;
        Console.WriteLine($"leak: {epochs} epochs x {stepsPerEpoch} steps = {epochs * stepsPerEpoch} optimizer steps through RunFineTune (same model and options as finetune)");

        // Warm-up: JIT, libtorch's allocator and thread pools, TorchSharp's caches; then the RSS baseline.
        using (var warm = NewModel())
            warm.RunFineTune(train, validation, DigitsMlp.FineTuneDefaults with { ConsoleProgress = false, Epochs = WarmUpEpochs });
        Settle();
        double rssWarm = Machine.RssMiB();
        long workingSetWarm = Environment.WorkingSet;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after a {WarmUpEpochs}-epoch warm-up run: VmRSS {rssWarm:F1} MiB, Environment.WorkingSet {workingSetWarm / 1048576.0:F1} MiB"));
        Console.WriteLine();

        // Attune, then the hand-written loop as a control, then Attune again: RSS that rises during the first long run
        // and not during the later ones is the process warming up (allocator arenas, GC heap), not a leak.
        // --control-first runs the control first instead (hand, Attune, hand), to show the same of the hand loop.
        Func<DigitsMlp, EpochRecorder, long> runAttune = (model, recorder) =>
            model.RunFineTune(train, validation, DigitsMlp.FineTuneDefaults with { ConsoleProgress = false, Epochs = epochs }, progress: recorder).TotalSteps;
        Func<DigitsMlp, EpochRecorder, long> runHand = (model, recorder) =>
            HandLoop.Run(model, data, epochs, afterEpoch: recorder.Record).Steps;
        if (!control)
        {
            var only = Measure("Attune RunFineTune", epochs, stepsPerEpoch, rssWarm, runAttune);
            return Verdict(only.Tensors, only.Rss);
        }
        // The process's first long run may still grow RSS while it warms up (shown by either loop when it goes first), so
        // the RSS verdict is taken from the Attune run that follows the other loop; tensors must balance in every run.
        if (controlFirst)
        {
            var h1 = Measure("hand-written loop (control), run 1", epochs, stepsPerEpoch, rssWarm, runHand);
            Console.WriteLine();
            var a = Measure("Attune RunFineTune", epochs, stepsPerEpoch, Machine.RssMiB(), runAttune);
            Console.WriteLine();
            var h2 = Measure("hand-written loop (control), run 2", epochs, stepsPerEpoch, Machine.RssMiB(), runHand);
            return Verdict(a.Tensors && h1.Tensors && h2.Tensors, a.Rss);
        }
        var a1 = Measure("Attune RunFineTune, run 1", epochs, stepsPerEpoch, rssWarm, runAttune);
        Console.WriteLine();
        var h = Measure("hand-written loop (control)", epochs, stepsPerEpoch, Machine.RssMiB(), runHand);
        Console.WriteLine();
        var a2 = Measure("Attune RunFineTune, run 2", epochs, stepsPerEpoch, Machine.RssMiB(), runAttune);
        return Verdict(a1.Tensors && a2.Tensors && h.Tensors, a2.Rss);
    }

    private static int Verdict(bool tensors, bool rss)
    {
        Console.WriteLine();
        Console.WriteLine($"leak verdict: 0 tensors leaked per step in every run: {(tensors ? "yes" : "NO")}; RSS flat in the warm Attune run: {(rss ? "yes" : "NO")}");
        return tensors && rss ? 0 : 1;
    }

    private static DigitsMlp NewModel()
    {
        torch.manual_seed(DigitsMlp.Seed);
        return new DigitsMlp();
    }

    private static void Settle()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    /// <returns>Whether no tensor leaked, and whether RSS stayed flat over the second half of the run.</returns>
    private static (bool Tensors, bool Rss) Measure(string name, int epochs, long stepsPerEpoch, double rssBaseline, Func<DigitsMlp, EpochRecorder, long> run)
    {
        using var model = NewModel();
        Settle();
        var stats = DisposeScopeManager.Statistics;
        stats.Reset();
        long liveBefore = stats.ThreadTotalLiveCount;
        double rssBefore = Machine.RssMiB();
        var recorder = new EpochRecorder();

        long steps = run(model, recorder);

        long liveAfter = stats.ThreadTotalLiveCount;
        long createdIn = stats.CreatedInScopeCount, disposedIn = stats.DisposedInScopeCount;
        long createdOut = stats.CreatedOutsideScopeCount, disposedOut = stats.DisposedOutsideScopeCount;
        Settle();
        double rssEnd = Machine.RssMiB();
        long liveAfterGc = stats.ThreadTotalLiveCount;

        Console.WriteLine($"{name}: {steps} optimizer steps");
        Console.WriteLine("  tensors (this thread, DisposeScopeManager.Statistics after Reset())");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    live before run {liveBefore}, after run {liveAfter} (after GC {liveAfterGc}): {liveAfter - liveBefore:+#;-#;0} => {(double)(liveAfter - liveBefore) / steps:F4} tensors leaked per step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    created in a dispose scope {createdIn}, disposed in scope {disposedIn} (difference {createdIn - disposedIn}); {(double)createdIn / steps:F1} created per step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    created outside any scope {createdOut}, disposed outside {disposedOut} (difference {createdOut - disposedOut})"));

        // Inside the run: the live count and RSS after each epoch. Optimizer state and best-weight copies exist from the
        // first step on, so a flat line from epoch 2 on is what "nothing grows step over step" looks like.
        var rows = recorder.Rows;
        Console.WriteLine("  during the run (sampled after each epoch's validation)");
        Console.WriteLine("    epoch     step  live tensors  VmRSS MiB  managed heap MiB");
        int every = Math.Max(1, rows.Count / 10);
        for (int i = 0; i < rows.Count; i++)
            if (i < 2 || i % every == 0 || i == rows.Count - 1)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {rows[i].Epoch,5}{rows[i].Step,9}{rows[i].Live,14}{rows[i].Rss,11:F1}{rows[i].Managed,18:F1}"));

        // A leak grows with every step; allocator and GC-heap warm-up levels off. So RSS is judged on the second half of
        // the run (from the middle epoch to the last), and the growth from epoch 2 is shown too.
        bool tensorsFlat = liveAfter == liveBefore;
        var (second, middle, final) = (rows[1], rows[rows.Count / 2], rows[^1]);
        double liveSlope = (double)(final.Live - second.Live) / (final.Step - second.Step);
        tensorsFlat &= final.Live == second.Live;
        double rssGrowth = final.Rss - second.Rss;
        double rssSecondHalf = final.Rss - middle.Rss;
        double kibPerKStep = rssSecondHalf * 1024 / ((final.Step - middle.Step) / 1000.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  live tensors epoch {second.Epoch} -> {final.Epoch}: {liveSlope:F4} per step"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  VmRSS epoch {second.Epoch} -> {final.Epoch}: {rssGrowth:+0.0;-0.0;0.0} MiB; second half, epoch {middle.Epoch} -> {final.Epoch} ({final.Step - middle.Step} steps): {rssSecondHalf:+0.0;-0.0;0.0} MiB ({kibPerKStep:F1} KiB per 1000 steps)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  VmRSS after warm-up {rssBaseline:F1} MiB, before this run {rssBefore:F1} MiB, after it (GC'd) {rssEnd:F1} MiB"));
        bool rssFlat = Math.Abs(rssSecondHalf) <= 4.0; // < 2 KiB per step over >= 1,000 steps; glibc and the GC move RSS by a few MiB either way (see the control)
        Console.WriteLine($"  goal 0 tensors leaked per step: {(tensorsFlat ? "met" : "MISSED")}; goal flat RSS (<= 4 MiB growth over the second half): {(rssFlat ? "met" : "MISSED")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT leak name=\"{name}\" steps={steps} leaked_per_step={(double)(liveAfter - liveBefore) / steps:F4} in_scope_created={createdIn} in_scope_disposed={disposedIn} rss_epoch2_mib={second.Rss:F1} rss_mid_mib={middle.Rss:F1} rss_end_mib={final.Rss:F1}"));
        return (tensorsFlat, rssFlat);
    }

    private sealed record Row(int Epoch, long Step, long Live, double Rss, double Managed);

    /// <summary>Records the live tensor count and RSS after each epoch's validation.</summary>
    private sealed class EpochRecorder : IProgress<FineTuneProgress>
    {
        public List<Row> Rows { get; } = new();

        public void Report(FineTuneProgress value)
        {
            if (value.Phase == FineTunePhase.Evaluated) Record(value.Epoch, value.Step);
        }

        public void Record(int epoch, long step)
        {
            Rows.Add(new Row(epoch, step, DisposeScopeManager.Statistics.ThreadTotalLiveCount, Machine.RssMiB(), GC.GetTotalMemory(false) / 1048576.0));
        }
    }
}
