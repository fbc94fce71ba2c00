using System.Globalization;

namespace Attune.Bench.Overhead;

/// <summary>
/// What Attune costs beyond the hand-written TorchSharp it replaces, measured so that a shared, noisy machine cannot
/// fake or hide it. For each case (training steps, evaluation, batch assembly; the digits MLP and the real MiniLM
/// encoder) it runs many short rounds of three arms — hand, Attune, and hand again — in a rotating order, both inside
/// one process and with every arm in a fresh process of its own. Each round gives a paired ratio Attune/hand (same
/// moment, same machine state), and the hand-again/hand ratio of the same round (an A/A test) shows the noise a ratio
/// of two identical runs has here. Per figure it prints the median ratio with two 95 % intervals (sign test, which
/// assumes nothing about the distribution, and bootstrap), wall time beside the thread's CPU time (which waiting for a
/// core does not inflate), the spread of the hand loop alone, and whether the goal (median ≤ 1.02, upper bound of the
/// sign-test interval ≤ 1.03) is met.
/// </summary>
internal static class OverheadBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const double GoalMedian = 1.02, GoalUpper = 1.03;

    /// <summary>Every case, in the order they run, with its default in-process and separate-process round counts.</summary>
    public static readonly (string Name, int Rounds, int ProcessRounds)[] Cases =
    {
        ("train-mlp-steps", 0, 0), ("train-mlp", 100, 16), ("train-mlp-progress", 60, 0), ("eval-mlp", 40, 12), ("batches-tensor", 60, 12),
        ("train-encoder-steps", 0, 0), ("train-encoder", 8, 0), ("eval-encoder", 30, 8), ("batches-text", 40, 8),
    };

    public static OverheadCase Create(string name, string[] args) => name switch
    {
        "train-mlp-steps" => new LockstepMlp(Arg(args, "--lockstep-mlp-epochs", 30)),
        "train-mlp" => new TrainMlpCase(Arg(args, "--epochs", 4)),
        "train-mlp-progress" => new TrainMlpCase(Arg(args, "--epochs", 4), progress: true),
        "train-encoder-steps" => new LockstepEncoder(Arg(args, "--lockstep-rows", 128), Arg(args, "--max-length", 32), Arg(args, "--lockstep-epochs", 20), Arg(args, "--encoder-batch", 8)),
        "eval-mlp" => new EvalMlpCase(Arg(args, "--eval-passes", 20)),
        "batches-tensor" => new TensorBatchesCase(Arg(args, "--batch-passes", 100)),
        "train-encoder" => new TrainEncoderCase(Arg(args, "--encoder-rows", 32), Arg(args, "--encoder-validation-rows", 16), Arg(args, "--max-length", 32), Arg(args, "--encoder-epochs", 1), Arg(args, "--encoder-batch", 8)),
        "eval-encoder" => new EvalEncoderCase(Arg(args, "--encoder-eval-rows", 32), Arg(args, "--max-length", 32), Arg(args, "--encoder-batch", 8)),
        "batches-text" => new TextBatchesCase(Arg(args, "--text-passes", 4), Arg(args, "--max-length", 128)),
        _ => throw new ArgumentException($"Unknown overhead case '{name}'; expected one of {string.Join(", ", Cases.Select(c => c.Name))}."),
    };

    // Set when a round's arms computed different numbers: the run's figures then compare different work.
    private static bool s_differentWork;

    public static int Run(string[] args)
    {
        var names = Text(args, "--cases") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries) : Cases.Select(c => c.Name).ToArray();
        foreach (var name in names)
            if (!Cases.Any(c => c.Name == name))
                throw new ArgumentException($"Unknown overhead case '{name}' in --cases; expected a comma-separated list of {string.Join(", ", Cases.Select(c => c.Name))}.");
        bool processes = !args.Contains("--no-processes");
        int warmup = Arg(args, "--warmup", 1);
        int runsPerProcess = Arg(args, "--runs-per-process", 5);
        // Case options travel to the child processes unchanged.
        var caseArgs = CaseOptions(args);

        Console.WriteLine("overhead: Attune against the same work written by hand in TorchSharp; torch threads 1, so a run's thread CPU time is all its work.");
        Console.WriteLine("  Rounds run hand, Attune and hand again in a rotating order (all six orders in turn). Per round: ratio = Attune/hand, A/A = again/hand.");
        Console.WriteLine($"  Intervals are 95 % for the median ratio: sign test (distribution-free) and bootstrap. Goal: median <= {GoalMedian:F2} and sign-test upper bound <= {GoalUpper:F2}.");
        Console.WriteLine();
        var verdicts = new List<string>();
        foreach (var name in names)
        {
            var (_, defaultRounds, defaultProcessRounds) = Cases.First(c => c.Name == name);
            int rounds = Arg(args, "--rounds", defaultRounds);
            int processRounds = Arg(args, "--process-rounds", defaultProcessRounds);
            using var overheadCase = Create(name, args);
            Console.WriteLine($"== {name} ==");
            foreach (var line in overheadCase.Describe()) Console.WriteLine("  " + line);
            List<Round> inProcess;
            if (overheadCase is LockstepEncoder or LockstepMlp)
            {
                // Every triple is a round; the MLP's are too many to print, so every 100th is shown.
                bool many = overheadCase is LockstepMlp;
                int warm = many ? 45 : 3;
                Console.WriteLine($"  in one process, in lockstep: every step triple is a round, the first {warm} warm-up{(many ? "; every 100th printed" : "")}; load {Machine.LoadAverage()}");
                Action<Round> print = r => { if (!many || r.Index % 100 == 0) PrintRound(overheadCase, r); };
                var triples = overheadCase is LockstepMlp mlp ? mlp.RunLockstep(warm, print) : ((LockstepEncoder)overheadCase).RunLockstep(warm, print);
                // Neighbouring triples share the machine's state, so they are not independent draws: the intervals are
                // computed over blocks of consecutive triples (each block's summed times), as the sign test and the
                // bootstrap assume independent rounds.
                int block = many ? 11 : 3;
                inProcess = Blocks(triples, block);
                Console.WriteLine($"    {triples.Count} triples in {inProcess.Count} blocks of {block} consecutive ones; a block is a round below");
            }
            else
            {
                Console.WriteLine($"  in one process: {rounds} rounds after {warmup} warm-up round(s); load {Machine.LoadAverage()}");
                inProcess = InProcessRounds.Run(overheadCase, rounds, warmup, r => PrintRound(overheadCase, r));
            }
            verdicts.AddRange(Summarize(overheadCase, "in-process", inProcess));
            if (processes && processRounds > 0 && overheadCase is not (LockstepMlp or LockstepEncoder))
            {
                Console.WriteLine($"  separate processes: {processRounds} rounds of three fresh processes, each warmed up for {SeparateProcessRounds.WarmupSeconds:F0} s, then {runsPerProcess} runs (their median); load {Machine.LoadAverage()}");
                var separate = SeparateProcessRounds.Run(name, caseArgs, processRounds, runsPerProcess, r => PrintRound(overheadCase, r));
                verdicts.AddRange(Summarize(overheadCase, "processes", separate));
            }
            Console.WriteLine();
        }
        Console.WriteLine("Summary (figures the goal applies to):");
        foreach (var v in verdicts) Console.WriteLine("  " + v);
        Console.WriteLine($"load average at the end: {Machine.LoadAverage()}");
        if (s_differentWork) Console.WriteLine("FAILED: in some case the two arms computed different numbers (see 'same work: DIFFERENT' above); its figures compare different work.");
        return s_differentWork ? 1 : 0;
    }

    private static void PrintRound(OverheadCase c, Round r)
    {
        var f = c.Figures[0];
        double h = f.PerUnitMicroseconds(r.Hand), a = f.PerUnitMicroseconds(r.Attune), g = f.PerUnitMicroseconds(r.Again);
        string label = r.Index < 0 ? "warm-up" : r.Index.ToString(Inv);
        Console.WriteLine(string.Create(Inv,
            $"    {label,-8} {r.Order,-19} {f.Name}: hand {h,10:F1}  Attune {a,10:F1}  again {g,10:F1} µs/{c.Unit}  ratio {a / h,6:F3}  A/A {g / h,6:F3}   load {r.Load}"));
        if (!c.ChecksWork) return;
        // Every round is checked; the first one's check is printed, and any round whose arms differ.
        string check = SameWork(c, r);
        bool different = check.Contains("DIFFERENT", StringComparison.Ordinal);
        s_differentWork |= different;
        if (r.Index == -1 || different) Console.WriteLine("    " + check);
    }

    /// <summary>Both arms must have computed the same numbers: otherwise the comparison times different work.</summary>
    private static string SameWork(OverheadCase c, Round r)
    {
        if (r.Hand.Units != r.Attune.Units || r.Hand.Check.Length != r.Attune.Check.Length)
            return $"same work: DIFFERENT: hand did {r.Hand.Units} {Plural(c.Unit)} and computed {r.Hand.Check.Length} check numbers, Attune {r.Attune.Units} and {r.Attune.Check.Length}";
        double worst = r.Hand.Check.Zip(r.Attune.Check, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
        return string.Create(Inv, $"same work: {r.Hand.Units} {Plural(c.Unit)} each; largest difference between the arms' results (losses, accuracy, sums) {worst:G3}{(worst <= c.CheckTolerance ? " (the same)" : " (DIFFERENT)")}");
    }

    private static IEnumerable<string> Summarize(OverheadCase c, string mode, List<Round> rounds)
    {
        var verdicts = new List<string>();
        Console.WriteLine($"    {mode}: {rounds.Count} rounds, µs per {c.Unit}");
        Console.WriteLine("      figure                  hand median [range]           Attune median   ratio  95% sign test   95% bootstrap   slower in   A/A ratio [sign test]   hand CV  goal");
        foreach (var f in c.Figures)
        {
            var hand = rounds.Select(r => f.PerUnitMicroseconds(r.Hand)).ToList();
            var attune = rounds.Select(r => f.PerUnitMicroseconds(r.Attune)).ToList();
            var ratios = rounds.Select(r => f.PerUnitMicroseconds(r.Attune) / f.PerUnitMicroseconds(r.Hand)).ToList();
            var aa = rounds.Select(r => f.PerUnitMicroseconds(r.Again) / f.PerUnitMicroseconds(r.Hand)).ToList();
            if (ratios.Any(double.IsNaN)) continue;
            double median = Stats.Median(ratios);
            var (slo, shi) = Stats.SignTestMedian(ratios);
            var (blo, bhi) = Stats.BootstrapMedian(ratios);
            var (alo, ahi) = Stats.SignTestMedian(aa);
            int slower = ratios.Count(x => x > 1);
            // A mode whose A/A interval (identical work on both sides) is itself wider than the goal's ±3 % cannot tell
            // 1.02 from 1.00 on this machine today: it is reported as unresolved rather than as met or missed.
            // An interval wholly above both the bound and the A/A interval is a miss however noisy the machine. An A/A
            // interval that excludes 1 means this mode was biased at the time (load that changed between the arms'
            // turns), so nothing else it says is trusted.
            bool aaBiased = alo > 1 || ahi < 1;
            string goal = !f.Goal ? "n/a"
                : double.IsNaN(shi) ? "too few rounds"
                : slo > Math.Max(GoalUpper, ahi) ? "MISSED"
                : aaBiased ? "unresolved (A/A interval excludes 1)"
                : median <= GoalMedian && shi <= GoalUpper ? "met"
                : alo < 2 - GoalUpper || ahi > GoalUpper ? "unresolved (A/A wider than ±3 %)"
                : "MISSED";
            Console.WriteLine(string.Create(Inv,
                $"      {f.Name,-22} {Stats.Median(hand),9:F1} [{hand.Min(),8:F1}-{hand.Max(),8:F1}] {Stats.Median(attune),12:F1}  {median,6:F3}  {slo,5:F3}-{shi,5:F3}    {blo,5:F3}-{bhi,5:F3}   {slower,3} of {ratios.Count,-3}  {Stats.Median(aa),5:F3} [{alo:F3}-{ahi:F3}]   {Stats.CoefficientOfVariation(hand),6:P1}  {goal}"));
            Console.WriteLine(string.Create(Inv,
                $"RESULT overhead case={c.Name} mode={mode} figure={f.Name.Replace(", ", "_").Replace(' ', '_')} rounds={rounds.Count} hand_median_us={Stats.Median(hand):F2} attune_median_us={Stats.Median(attune):F2} ratio_median={median:F4} sign_lo={slo:F4} sign_hi={shi:F4} boot_lo={blo:F4} boot_hi={bhi:F4} aa_median={Stats.Median(aa):F4} aa_sign_lo={alo:F4} aa_sign_hi={ahi:F4} hand_cv={Stats.CoefficientOfVariation(hand):F4} goal={goal}"));
            if (f.Goal)
                verdicts.Add(string.Create(Inv, $"{c.Name,-15} {mode,-10} {f.Name,-22} ratio {median:F3} (95% {slo:F3}-{shi:F3}; A/A {Stats.Median(aa):F3} [{alo:F3}-{ahi:F3}])  {goal}"));
        }
        // Waiting for a core shows as wall time above CPU time; such runs are counted, not dropped (the ratio is paired).
        int disturbed = rounds.Sum(r => new[] { r.Hand, r.Attune, r.Again }.Count(s => s.Wall > s.Cpu * 1.02));
        var last = rounds[^1];
        Console.WriteLine(string.Create(Inv,
            $"      machine noise: the hand arm alone varied {Stats.Quantile(rounds.Select(r => c.Figures[0].PerUnitMicroseconds(r.Hand)).ToList(), 0.9) / Stats.Quantile(rounds.Select(r => c.Figures[0].PerUnitMicroseconds(r.Hand)).ToList(), 0.1):F3}x between its 10th and 90th percentile round ({c.Figures[0].Name}); {disturbed} of {rounds.Count * 3} runs waited for a core (wall > 1.02 x cpu)"));
        if (last.Hand.Allocated + last.Attune.Allocated > 0) // the lockstep cases do not count allocations
            Console.WriteLine(string.Create(Inv,
                $"      managed allocation per {c.Unit} (last round): hand {(double)last.Hand.Allocated / last.Hand.Units:F0} B, Attune {(double)last.Attune.Allocated / last.Attune.Units:F0} B"));
        return verdicts;
    }

    private static string Plural(string unit) => unit.EndsWith("h", StringComparison.Ordinal) ? unit + "es" : unit + "s";

    /// <summary>Consecutive rounds summed in blocks of <paramref name="size"/> (a last partial block is dropped).</summary>
    private static List<Round> Blocks(List<Round> rounds, int size)
    {
        var blocks = new List<Round>();
        for (int start = 0; start + size <= rounds.Count; start += size)
        {
            var part = rounds.GetRange(start, size);
            ArmSample Sum(Func<Round, ArmSample> arm) => part.Skip(1).Aggregate(arm(part[0]), (total, r) => total.Plus(arm(r)));
            blocks.Add(new Round(blocks.Count, part[0].Order, Sum(r => r.Hand), Sum(r => r.Attune), Sum(r => r.Again), part[^1].Load));
        }
        return blocks;
    }

    /// <summary>The options that shape a case, passed to child processes as given.</summary>
    private static List<string> CaseOptions(string[] args)
    {
        var keep = new[] { "--epochs", "--eval-passes", "--batch-passes", "--encoder-rows", "--encoder-validation-rows", "--max-length", "--encoder-epochs", "--encoder-eval-rows", "--text-passes", "--encoder-batch", "--lockstep-rows", "--lockstep-epochs" };
        var result = new List<string>();
        for (int i = 0; i + 1 < args.Length; i++)
            if (keep.Contains(args[i])) { result.Add(args[i]); result.Add(args[i + 1]); }
        return result;
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], Inv) : fallback;
    }

    private static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
