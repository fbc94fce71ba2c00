using System.Diagnostics;
using System.Globalization;

namespace Attune.Bench.Overhead;

/// <summary>One round: the hand-written arm, Attune, and the hand-written arm again (the A/A control that shows what
/// the machine's own noise does to a ratio of two identical runs), in <see cref="Order"/>.</summary>
internal sealed record Round(int Index, string Order, ArmSample Hand, ArmSample Attune, ArmSample Again, string Load);

/// <summary>
/// The three arms' running order, round by round: all six orders of (hand, Attune, hand again) in turn, so that each
/// arm runs first, second and third equally often and drift in the machine's state (caches, clock, other processes)
/// falls on every arm alike.
/// </summary>
internal static class RoundOrder
{
    private static readonly int[][] Orders = { new[] { 0, 1, 2 }, new[] { 1, 2, 0 }, new[] { 2, 0, 1 }, new[] { 0, 2, 1 }, new[] { 2, 1, 0 }, new[] { 1, 0, 2 } };
    private static readonly string[] Names = { "hand", "Attune", "again" };

    public static int[] For(int round) => Orders[round % Orders.Length];

    public static string Describe(int[] order) => string.Join(",", order.Select(i => Names[i]));

    public static Arm ArmOf(int slot) => slot == 1 ? Arm.Attune : Arm.Hand;
}

/// <summary>Every arm in this process, many short rounds, interleaved.</summary>
internal static class InProcessRounds
{
    public static List<Round> Run(OverheadCase overheadCase, int rounds, int warmup, Action<Round> onRound)
    {
        var result = new List<Round>();
        for (int r = 0; r < warmup + rounds; r++)
        {
            var samples = new ArmSample?[3];
            OverheadCase.Quiesce();
            // Each repetition runs the three arms in the next of the six orders, and a round runs whole cycles of six,
            // so every arm takes every position equally often in every round (a round's ratio carries no order bias).
            int repetitions = (overheadCase.Repetitions + 5) / 6 * 6;
            if (overheadCase.Repetitions == 1) repetitions = 1;
            for (int rep = 0; rep < repetitions; rep++)
                foreach (int slot in RoundOrder.For(r + rep))
                {
                    var sample = overheadCase.Run(RoundOrder.ArmOf(slot));
                    samples[slot] = samples[slot] is { } sum ? sum.Plus(sample) : sample;
                }
            string order = repetitions == 1 ? RoundOrder.Describe(RoundOrder.For(r)) : "interleaved x" + repetitions;
            var round = new Round(r - warmup, order, samples[0]!, samples[1]!, samples[2]!, Machine.LoadAverage());
            onRound(round);
            if (r >= warmup) result.Add(round);
        }
        return result;
    }
}

/// <summary>
/// Each arm in a process of its own: a round starts three fresh processes (hand, Attune, hand again, in the rotating
/// order), each of which loads everything, runs its arm for at least <see cref="WarmupSeconds"/> to warm up and then <c>runs</c> times, and reports the
/// median of those runs. Nothing is shared between arms (JIT state, allocator, libtorch caches), which is what a user
/// who runs one kind of loop per process sees.
/// </summary>
internal static class SeparateProcessRounds
{
    public const string ChildCommand = "overhead-child";

    public static List<Round> Run(string caseName, IReadOnlyList<string> caseArgs, int rounds, int runs, Action<Round> onRound)
    {
        var result = new List<Round>();
        for (int r = 0; r < rounds; r++)
        {
            var order = RoundOrder.For(r);
            var samples = new ArmSample[3];
            foreach (int slot in order) samples[slot] = RunChild(caseName, caseArgs, RoundOrder.ArmOf(slot), runs);
            var round = new Round(r, RoundOrder.Describe(order), samples[0], samples[1], samples[2], Machine.LoadAverage());
            onRound(round);
            result.Add(round);
        }
        return result;
    }

    private static ArmSample RunChild(string caseName, IReadOnlyList<string> caseArgs, Arm arm, int runs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under `dotnet Attune.Bench.dll` the process path is the host; under an apphost it is the program itself.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(typeof(SeparateProcessRounds).Assembly.Location);
        foreach (var a in new[] { ChildCommand, caseName, arm.ToString(), runs.ToString(CultureInfo.InvariantCulture) }.Concat(caseArgs)) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a child process for the benchmark.");
        var stderr = process.StandardError.ReadToEndAsync();
        var samples = new List<ArmSample>();
        while (process.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith("SAMPLE ", StringComparison.Ordinal)) samples.Add(ArmSample.Parse(line["SAMPLE ".Length..]));
        process.WaitForExit();
        if (process.ExitCode != 0 || samples.Count == 0)
            throw new InvalidOperationException($"The {arm} child for {caseName} exited with code {process.ExitCode} after {samples.Count} samples; expected {runs}. Its error output: {stderr.Result}");
        return MedianOf(samples);
    }

    /// <summary>The child's side: one warm-up run, then <c>runs</c> measured runs, each printed as a SAMPLE line.</summary>
    public static int Child(string[] args, Func<string, OverheadCase> create)
    {
        // args: overhead-child CASE ARM RUNS [case options]
        string caseName = args[1];
        var arm = Enum.Parse<Arm>(args[2]);
        int runs = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var overheadCase = create(caseName);
        // Warm up for at least WarmupSeconds of work, not one run: .NET compiles a method at tier 0 first and
        // recompiles it optimized only after it has been called for a while and no new methods were compiled for
        // 100 ms, so a short first run measures the JIT's tiers, not the code's steady state (the hand-written arm is
        // one method whose loops are optimized on the stack sooner than a library's many small methods).
        var warmup = Stopwatch.StartNew();
        do RunOnce(overheadCase, arm); while (warmup.Elapsed.TotalSeconds < WarmupSeconds);
        for (int i = 0; i < runs; i++) Console.WriteLine("SAMPLE " + RunOnce(overheadCase, arm).Serialize());
        return 0;
    }

    /// <summary>Seconds of warm-up work in each child process before its measured runs.</summary>
    public const double WarmupSeconds = 1.0;

    private static ArmSample RunOnce(OverheadCase overheadCase, Arm arm)
    {
        OverheadCase.Quiesce();
        ArmSample? sum = null;
        for (int rep = 0; rep < overheadCase.Repetitions; rep++)
        {
            var sample = overheadCase.Run(arm);
            sum = sum is null ? sample : sum.Plus(sample);
        }
        return sum!;
    }

    private static ArmSample MedianOf(List<ArmSample> samples)
    {
        double M(Func<ArmSample, double> f) => Stats.Median(samples.Select(f).ToList());
        return new ArmSample(M(s => s.Wall), M(s => s.Cpu), samples[0].Units, (long)M(s => s.Allocated))
        {
            Training = M(s => s.Training),
            Check = samples[0].Check,
        };
    }
}
