namespace Attune.Bench.Overhead;

/// <summary>The two ways of doing one piece of work: written by hand in TorchSharp, or through Attune.</summary>
internal enum Arm
{
    Hand,
    Attune,
}

/// <summary>
/// One timed run of one arm: wall and thread CPU seconds, how many units (optimizer steps, batches) it did, managed
/// bytes allocated, and, for training runs, the wall time of the training passes alone. <see cref="Check"/> holds the
/// numbers the run computed (losses, accuracy, sums), which both arms must agree on: the proof that they did the same work.
/// </summary>
internal sealed record ArmSample(double Wall, double Cpu, long Units, long Allocated)
{
    public double Training { get; init; } = double.NaN;
    public double[] Check { get; init; } = Array.Empty<double>();

    public string Serialize() => string.Join(' ', new[] { Wall, Cpu, Units, Allocated, Training }.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
        + " | " + string.Join(' ', Check.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Two samples of the same arm added up (the repetitions of one round).</summary>
    public ArmSample Plus(ArmSample other) => new(Wall + other.Wall, Cpu + other.Cpu, Units + other.Units, Allocated + other.Allocated)
    {
        Training = Training + other.Training,
        Check = other.Check,
    };

    public static ArmSample Parse(string text)
    {
        var halves = text.Split('|');
        var f = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var check = halves.Length > 1
            ? halves[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : Array.Empty<double>();
        return new ArmSample(f[0], f[1], (long)f[2], (long)f[3]) { Training = f[4], Check = check };
    }
}

/// <summary>A figure read off a sample, per unit, in microseconds; <see cref="Goal"/> says whether the ≤ 1.02× goal applies.</summary>
internal sealed record Figure(string Name, Func<ArmSample, double> PerUnitMicroseconds, bool Goal)
{
    public static Figure WholeRunWall(bool goal) => new("whole run, wall", s => s.Wall * 1e6 / s.Units, goal);
    public static Figure WholeRunCpu(bool goal) => new("whole run, cpu", s => s.Cpu * 1e6 / s.Units, goal);
    public static Figure TrainingPassesWall(bool goal) => new("training passes, wall", s => s.Training * 1e6 / s.Units, goal);
}

/// <summary>
/// One comparison: the same work written by hand and done by Attune. Runs happen on the calling thread with
/// torch.set_num_threads(1), so the thread's CPU time is all the work a run did; a case owns its model and data.
/// </summary>
internal abstract class OverheadCase : IDisposable
{
    /// <summary>Short name, used on the command line and in RESULT lines ("train-mlp").</summary>
    public abstract string Name { get; }

    /// <summary>What a unit is ("step", "batch").</summary>
    public abstract string Unit { get; }

    /// <summary>Lines that say exactly what each arm does.</summary>
    public abstract IEnumerable<string> Describe();

    /// <summary>The figures to compare, the first being the headline.</summary>
    public virtual IReadOnlyList<Figure> Figures { get; } = new[]
    {
        new Figure("wall", s => s.Wall * 1e6 / s.Units, Goal: true),
        new Figure("cpu", s => s.Cpu * 1e6 / s.Units, Goal: true),
    };

    /// <summary>Whether the arms' <see cref="ArmSample.Check"/> numbers are compared (the same-work check).</summary>
    public virtual bool ChecksWork => true;

    /// <summary>Largest difference allowed between the two arms' <see cref="ArmSample.Check"/> numbers.</summary>
    public virtual double CheckTolerance => 1e-5;

    /// <summary>
    /// Calls of <see cref="Run"/> per arm in one round. Short work (a pass of batch assembly, a pass of evaluation) is
    /// repeated with the arms interleaved call by call, so a burst of load from elsewhere falls on all three arms alike
    /// instead of on whichever arm ran during it; a training run is long enough to be one call.
    /// </summary>
    public virtual int Repetitions => 1;

    /// <summary>One call of one arm, timed; the runner collects garbage between rounds, outside every timed region.</summary>
    public abstract ArmSample Run(Arm arm);

    public virtual void Dispose() { }

    /// <summary>Collects the previous round's garbage outside the timed regions, the same for every arm.</summary>
    public static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>One pass over a library batch source the way the trainer reads it (a dispose scope per batch, opened
    /// before MoveNext); returns the batches and the first batch's label sum (the same-work check).</summary>
    protected static (long Batches, double FirstSum) Drain<TInput>(IEnumerable<(TInput Features, TorchSharp.torch.Tensor Labels)> source)
    {
        long batches = 0;
        double firstSum = 0;
        using var e = source.GetEnumerator();
        while (true)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            if (!e.MoveNext()) break;
            if (batches == 0) firstSum = e.Current.Labels.sum().item<long>();
            batches++;
        }
        return (batches, firstSum);
    }

    /// <summary>Times <paramref name="work"/> (which returns its unit count and check numbers) on this thread.</summary>
    protected static ArmSample Time(Func<(long Units, double[] Check, double Training)> work)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadClock.Now();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (units, check, training) = work();
        clock.Stop();
        double cpuSeconds = (ThreadClock.Now() - cpu).TotalSeconds;
        return new ArmSample(clock.Elapsed.TotalSeconds, cpuSeconds, units, GC.GetAllocatedBytesForCurrentThread() - allocated)
        {
            Training = training,
            Check = check,
        };
    }
}
