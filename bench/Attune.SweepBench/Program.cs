using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.SweepBench;
using Attune.Tuning.Tests;
using Attune.Search;
using Attune.SweepBench.Problems;
using Attune.SweepBench.Suite;

// Sweep benchmarks; see docs/benchmarks.md, "Sweeps". Prints numbers, asserts nothing.
//   overhead [--repeats 3] [--trials 100,1000]   ms per trial of Sweep.Run end to end, TPE and Random, memory and SQLite
//   quality  [--seeds 20] [--trials 100]         median best regret over seeds on Branin, Hartmann-6 and a mixed space
//   scale    [--trials 10000] [--blocks 10] [--samplers tpe,gp,random] [--storages memory,sqlite,postgres] [--postgres CS]
//                                                per-trial gap by block, storage size and reopen time of one long study
//   suite    [--seeds 20] [--first-seed 0] [--trials 200] [--budgets 25,50,100,200] [--problems a,b] [--samplers attune-tpe,...] [--jobs 1]
//            [--out attune-suite.csv] [--digits-table PATH] [--gp-trials 50]   Attune's half of the search suite (bench/run-search-suite.sh)
//   problems                                     the suite's problems: name, family, parameters, known minimum
//   eval                                         JSON [{"problem","values"[,"seed","trial"]}] on stdin -> one value a line
//   tpe-ablation [--problems ..] [--variants ..] TPE options one at a time on the mixed spaces of issue 14 (TpeAblation.cs)
//   gp-overhead [--history 25,100,300,1000,10000] [--calls 5]   ms per GpSampler.Sample on a history of n trials
// SWEEPBENCH_VARIANTS=gp (TPE, GP, random), gp-options or gp-candidates (GpOptions variants) choose quality's samplers.
//   pruning  [--seeds 20] [--budgets 10,20,40,80] regret of None/Median/ASHA/Hyperband on learning curves at equal step budgets
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string command = args.Length > 0 ? args[0] : "";
int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
string? Text(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
int[] Options(string name, int[] fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;
}
string[] Names(string name, string[] fallback) => Text(name)?.Split(',') ?? fallback;

switch (command)
{
    case "overhead":
        Header();
        Overhead.Run(Options("--trials", [100, 1000]), Option("--repeats", 3));
        return 0;
    case "quality":
        Header();
        Quality.Run(Option("--seeds", 20), Option("--trials", 100), Option("--first-seed", 0));
        return 0;
    case "scale":
        Header();
        Scale.Run(Option("--trials", 10_000), Option("--blocks", 10), Names("--samplers", ["tpe", "gp", "random"]),
            Names("--storages", ["memory", "sqlite", "postgres"]), Text("--postgres") ?? Environment.GetEnvironmentVariable("ATTUNE_TEST_POSTGRES"));
        return 0;
    case "suite":
        Header();
        return SearchSuite.Run(ProblemSet.Select(Text("--problems"), Text("--digits-table")), Text("--samplers"), Option("--first-seed", 0), Option("--seeds", 20),
            Option("--trials", 200), Options("--budgets", [25, 50, 100, 200]).Order().ToArray(), Option("--jobs", 1), Text("--out") ?? "attune-suite.csv",
            Option("--gp-trials", SearchSuite.DefaultGpTrials));
    case "problems":
        foreach (var p in ProblemSet.Select(Text("--problems"), Text("--digits-table")))
            Console.WriteLine($"{p.Name,-16} {p.Family,-12} {p.Space.Parameters.Count,3} params  minimum {p.Minimum:R}{(p.IsContinuous ? "  (continuous)" : "")}");
        return 0;
    case "eval":
        return ProblemPoints.Evaluate(Console.In, Console.Out, Text("--digits-table"));
    case "tpe-ablation":
        Header();
        string[] List(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',') : []; }
        var variants = List("--variants");
        TpeAblation.Run(Option("--seeds", 20), Option("--trials", 100), Option("--first-seed", 0), List("--problems"), variants.Length > 0 ? variants : ["default", "uni"]);
        return 0;
    case "cma-call":
        Header();
        Overhead.CmaCall(Options("--history", [1000, 3000, 10000]), Option("--dims", 10));
        return 0;
    case "pruning":
        Header();
        Pruning.Run(Option("--seeds", 20), Options("--budgets", [10, 20, 40, 80]), Option("--first-seed", 0));
        return 0;
    case "tpe-call":
        Header();
        Overhead.TpeCall(Options("--history", [100, 1000]), Option("--calls", 500));
        return 0;
    case "gp-overhead":
        Header();
        Overhead.GpCall(Options("--history", [25, 100, 300, 1000, 10000]), Option("--calls", 5));
        return 0;
    default:
        Console.Error.WriteLine("usage: Attune.SweepBench overhead [--repeats N] [--trials 100,1000] | quality [--seeds N] [--trials N] | suite [--seeds N] [--trials N] [--budgets a,b] [--problems a,b] [--samplers a,b] [--jobs N] [--out PATH] | problems | eval | scale [--trials N] [--samplers tpe,gp,random] [--storages memory,sqlite,postgres] | tpe-call [--history 100,1000] [--calls N] | tpe-ablation [--seeds N] [--trials N] [--problems a,b] [--variants v,w] | cma-call [--history 1000,3000,10000] [--dims 10] | gp-overhead [--history 25,100,300,1000,10000] [--calls N] | pruning [--seeds N] [--budgets 10,20,40,80]");
        return 2;
}

static void Header()
{
    Console.WriteLine($"# Attune {typeof(Sweep).Assembly.GetName().Version}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
        $"{Environment.ProcessorCount} cores, load {LoadAverage()} (1/5/15 min)");
}

static string LoadAverage()
{
    try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "?"; }
}

namespace Attune.SweepBench
{
    internal static class Overhead
    {
        /// <summary>Each configuration runs <paramref name="repeats"/> times (a fresh study each time) after one discarded
        /// 50-trial warm-up per configuration (JIT); each column is the median over the repeats.</summary>
        public static void Run(int[] trialCounts, int repeats)
        {
            Console.WriteLine($"# overhead: Sweep.Run end to end, 5 parameters (3 floats incl. 1 log, 1 int, 1 categorical), trivial objective, 1 worker; median of {repeats} run(s)");
            Console.WriteLine($"{"sampler",-8} {"storage",-7} {"trials",6} {"ms/trial",9} {"last100",9} {"cpu/trial",9}");
            foreach (var sampler in new[] { "tpe", "random" })
            foreach (var storage in new[] { "memory", "sqlite" })
            {
                Once(sampler, storage, 50); // warm-up, not reported
                foreach (int trials in trialCounts)
                {
                    var runs = Enumerable.Range(0, repeats).Select(_ => Once(sampler, storage, trials)).ToArray();
                    double Med(Func<(double Total, double Last, double Cpu), double> f) => Stats.Quantile(runs.Select(f).ToArray(), 0.5);
                    string last = trials >= 200 ? $"{Med(r => r.Last),9:F3}" : $"{"-",9}";
                    Console.WriteLine($"{sampler,-8} {storage,-7} {trials,6} {Med(r => r.Total),9:F3} {last} {Med(r => r.Cpu),9:F3}");
                }
            }
            Console.WriteLine("# ms/trial: wall time of Sweep.Run / trials; last100: wall ms per trial over the last 100 trials (objective start to objective start);");
            Console.WriteLine("# cpu/trial: process CPU time (all threads) / trials. tpe = TpeSampler defaults (multivariate); sqlite = a new temp file per run.");
        }

        /// <summary>TpeSampler.Sample alone (no storage, no driver) on a fixed history of random completed trials of the
        /// overhead space: mean microseconds per call and bytes allocated per call.</summary>
        public static void TpeCall(int[] historySizes, int calls)
        {
            Console.WriteLine($"# tpe-call: TpeSampler.Sample alone on a history of n completed random trials of the overhead space; {calls} calls after {calls / 5} warm-up calls");
            Console.WriteLine($"{"sampler",-8} {"history",7} {"us/call",9} {"cpu us",9} {"KB/call",9}");
            var space = OverheadSpace.Space;
            foreach (var (name, sampler) in new (string, ISampler)[] { ("tpe-mv", new TpeSampler()), ("tpe-uni", new TpeSampler(new TpeOptions { Multivariate = false })), ("mv-c1", new TpeSampler(new TpeOptions { Candidates = 1 })), ("mv-scott", new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.Scott })) })
            foreach (int n in historySizes)
            {
                var random = new Random(1);
                var history = new List<FrozenTrial>(n);
                for (int i = 0; i < n; i++)
                {
                    var x = new RandomSampler().Sample(space, history, Direction.Minimize, random);
                    history.Add(TrialFactory.Complete(i, x, OverheadSpace.Decode(x).Objective()));
                }
                for (int i = 0; i < calls / 5; i++) sampler.Sample(space, history, Direction.Minimize, random);
                long bytes0 = GC.GetAllocatedBytesForCurrentThread();
                var cpu0 = Attune.Bench.ThreadClock.Now();
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++) sampler.Sample(space, history, Direction.Minimize, random);
                double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / calls;
                double cpuUs = (Attune.Bench.ThreadClock.Now() - cpu0).TotalMicroseconds / calls;
                double kb = (GC.GetAllocatedBytesForCurrentThread() - bytes0) / 1024.0 / calls;
                Console.WriteLine($"{name,-8} {n,7} {us,9:F1} {cpuUs,9:F1} {kb,9:F1}");
            }
        }

        /// <summary>CmaEsSampler.Sample on a history of n completed trials (Rosenbrock in d dimensions, trials drawn by
        /// the sampler itself): a fresh sampler replays every generation (a resumed study's first proposal); the sweep's
        /// own sampler continues its last replay (each later proposal, one new trial each).</summary>
        public static void CmaCall(int[] historySizes, int dims)
        {
            Console.WriteLine($"# cma-call: CmaEsSampler.Sample, {dims} float parameters, Rosenbrock; cold = a fresh sampler replays all generations, warm = one more trial per call; " +
                "IPOP restarts double λ, so there are fewer than n / λ generations");
            Console.WriteLine($"{"history",7} {"cold ms",9} {"warm us",9}");
            var space = new SearchSpace("cma", Enumerable.Range(0, dims).Select(i => new ParameterSpec("x" + i, ParameterKind.Float, -2, 2)).ToArray());
            foreach (int n in historySizes)
            {
                var sampler = new CmaEsSampler(seed: 1);
                var history = new List<FrozenTrial>(n + 200);
                for (int i = 0; i < n; i++)
                {
                    var x = sampler.Sample(space, history, Direction.Minimize, new Random(i));
                    history.Add(TrialFactory.Complete(i, x, TestFunctions.Rosenbrock(x)));
                }
                new CmaEsSampler(seed: 1).Sample(space, history, Direction.Minimize, new Random(0)); // JIT
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < 3; i++) new CmaEsSampler(seed: 1).Sample(space, history, Direction.Minimize, new Random(i));
                double cold = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / 3;
                t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < 200; i++)
                {
                    var x = sampler.Sample(space, history, Direction.Minimize, new Random(n + i));
                    history.Add(TrialFactory.Complete(history.Count, x, TestFunctions.Rosenbrock(x)));
                }
                double warm = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / 200;
                Console.WriteLine($"{n,7} {cold,9:F1} {warm,9:F1}");
            }
        }

        /// <summary>GpSampler.Sample alone on a fixed history of n completed random trials of the overhead space (5
        /// parameters: 3 floats incl. 1 log, 1 int, 1 categorical): median and max wall ms over the calls, after one
        /// discarded warm-up call per size. Above <see cref="GpOptions.MaxTrials"/> the GP fits a capped subset, so the
        /// cost should flatten; what still grows is reading and selecting from the history.</summary>
        public static void GpCall(int[] historySizes, int calls)
        {
            var options = new GpOptions();
            Console.WriteLine($"# gp-overhead: GpSampler.Sample alone (defaults: MaxTrials {options.MaxTrials}, MaxFitTrials {options.MaxFitTrials}, {options.Candidates} candidates, {options.HyperparameterRestarts} restarts) on n completed random trials of the overhead space; {calls} calls after 1 warm-up");
            Console.WriteLine($"{"history",7} {"median ms",10} {"max ms",9} {"cpu ms",9}");
            var space = OverheadSpace.Space;
            var sampler = new GpSampler(options);
            foreach (int n in historySizes)
            {
                var random = new Random(1);
                var history = new List<FrozenTrial>(n);
                for (int i = 0; i < n; i++)
                {
                    var x = new RandomSampler().Sample(space, history, Direction.Minimize, random);
                    history.Add(TrialFactory.Complete(i, x, OverheadSpace.Decode(x).Objective()));
                }
                sampler.Sample(space, history, Direction.Minimize, random);
                var ms = new double[calls];
                var cpu0 = Attune.Bench.ThreadClock.Now();
                for (int i = 0; i < calls; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    sampler.Sample(space, history, Direction.Minimize, random);
                    ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                double cpuMs = (Attune.Bench.ThreadClock.Now() - cpu0).TotalMilliseconds / calls;
                Console.WriteLine($"{n,7} {Stats.Quantile(ms, 0.5),10:F1} {ms.Max(),9:F1} {cpuMs,9:F1}");
            }
        }

        private static (double Total, double Last, double Cpu) Once(string samplerName, string storageName, int trials)
        {
            string? file = storageName == "sqlite" ? Path.Combine(Path.GetTempPath(), $"attune-sweepbench-{Guid.NewGuid():N}.db") : null;
            IStudyStorage storage = file is null ? new InMemoryStudyStorage() : new SqliteStudyStorage(file);
            var sampler = Samplers.Create(samplerName == "tpe" ? Sampler.Tpe : Sampler.Random);
            var (stamps, wall, cpu) = TimedSweep.Run(sampler, storage, trials, "overhead");
            if (file is not null)
                foreach (var f in new[] { file, file + "-wal", file + "-shm", file + "-journal" }) if (File.Exists(f)) File.Delete(f);
            double total = wall / trials;
            double last = trials > 100 ? Stopwatch.GetElapsedTime(stamps[trials - 101], stamps[trials - 1]).TotalMilliseconds / 100 : double.NaN;
            return (total, last, cpu / trials);
        }
    }

    internal static class Quality
    {
        private sealed record Problem(string Name, SearchSpace Space, Func<IReadOnlyList<double>, double> F, double Minimum);

        /// <summary>Best regret (best value found − known minimum) after <paramref name="trials"/> sequential trials, seeds
        /// 0 … seeds−1; the sampler sees the whole history each time, as in a 1-worker sweep.</summary>
        public static void Run(int seeds, int trials, int firstSeed = 0)
        {
            var problems = new[]
            {
                new Problem("branin", TestFunctions.BraninSpace(), TestFunctions.Branin, TestFunctions.BraninMinimum),
                new Problem("hartmann6", TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, TestFunctions.Hartmann6Minimum),
                new Problem("mixed", MixedFunction.Space(), MixedFunction.Evaluate, MixedFunction.Minimum),
            };
            // Each run's sampler gets its seed: the Sobol scramble (QuasiRandom, TPE's quasi-random start-up, CMA-ES's
            // restarts) is per study, as Samplers.Create gives it the sweep's seed.
            var samplers = new (string Name, Func<ISampler> Create)[]
            {
                ("tpe-mv (default)", () => Samplers.Create(Sampler.Tpe, seed: RunSeed)),
                ("tpe-mv qr-startup", () => new TpeSampler(new TpeOptions { Startup = TpeStartup.QuasiRandom, StartupSeed = RunSeed })),
                ("tpe-uni", () => new TpeSampler(new TpeOptions { Multivariate = false, StartupSeed = RunSeed })),
                ("cma-es", () => new CmaEsSampler(seed: RunSeed)),
                ("quasi-random", () => new QuasiRandomSampler(RunSeed)),
                ("gp", () => new GpSampler()),
                ("random", () => new RandomSampler()),
            };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "startup")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("tpe-mv random", () => new TpeSampler()),
                    ("tpe-mv qr-startup", () => new TpeSampler(new TpeOptions { Startup = TpeStartup.QuasiRandom, StartupSeed = RunSeed })),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "cma")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("cma σ0=.2", () => new CmaEsSampler(seed: RunSeed)),
                    ("cma σ0=.3", () => new CmaEsSampler(new CmaEsOptions { InitialSigma = 0.3 }, RunSeed)),
                    ("cma σ0=1/6", () => new CmaEsSampler(new CmaEsOptions { InitialSigma = 1 / 6.0 }, RunSeed)),
                    ("cma σ0=.2 qr8", () => new CmaEsSampler(new CmaEsOptions { StartupTrials = 8 }, RunSeed)),
                    ("cma no-restart", () => new CmaEsSampler(new CmaEsOptions { Restarts = false }, RunSeed)),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "gp")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("tpe-mv (default)", () => new TpeSampler()),
                    ("gp", () => new GpSampler()),
                    ("random", () => new RandomSampler()),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "gp-options")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("gp", () => new GpSampler()),
                    ("gp-c2048", () => new GpSampler(new GpOptions { Candidates = 2048 })),
                    ("gp-ls8", () => new GpSampler(new GpOptions { LocalSearchStarts = 8 })),
                    ("gp-startup5", () => new GpSampler(new GpOptions { StartupTrials = 5 })),
                    ("gp-r1", () => new GpSampler(new GpOptions { HyperparameterRestarts = 1 })),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "gp-candidates")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("gp", () => new GpSampler()),
                    ("gp-c1024", () => new GpSampler(new GpOptions { Candidates = 1024 })),
                    ("gp-c2048", () => new GpSampler(new GpOptions { Candidates = 2048 })),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "1")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("mv", () => new TpeSampler()),
                    ("mv-bw0.5", () => new TpeSampler(new TpeOptions { BandwidthFactor = 0.5 })),
                    ("mv-c64", () => new TpeSampler(new TpeOptions { Candidates = 64 })),
                    ("mv-sqrtg", () => new TpeSampler(new TpeOptions { Gamma = TpeOptions.SqrtGamma })),
                    ("mv-floor.005", () => new TpeSampler(new TpeOptions { MinBandwidthFraction = 0.005 })),
                    ("mv-prior.5", () => new TpeSampler(new TpeOptions { PriorWeight = 0.5 })),
                };
            if (Environment.GetEnvironmentVariable("SWEEPBENCH_VARIANTS") == "2")
                samplers = new (string Name, Func<ISampler> Create)[]
                {
                    ("mv", () => new TpeSampler()),
                    ("mv-near-l", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestGap, AdaptiveGoodOnly = true })),
                    ("mv-wide-l", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.WiderGap, AdaptiveGoodOnly = true })),
                    ("mv-near-l-c48", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestGap, AdaptiveGoodOnly = true, Candidates = 48 })),
                    ("mv-near-l-p.5", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestGap, AdaptiveGoodOnly = true, PriorWeight = 0.5 })),
                    ("mv-nn-l", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestNeighbour, AdaptiveGoodOnly = true })),
                    ("mv-nn-l-c48", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestNeighbour, AdaptiveGoodOnly = true, Candidates = 48 })),
                    ("mv-nn-l-p.75", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestNeighbour, AdaptiveGoodOnly = true, PriorWeight = 0.75 })),
                    ("mv-nn", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestNeighbour })),
                    ("mv-nn-l-p.5", () => new TpeSampler(new TpeOptions { Bandwidth = TpeBandwidth.NearestNeighbour, AdaptiveGoodOnly = true, PriorWeight = 0.5 })),
                };
            Console.WriteLine($"# quality: best regret (best value - known minimum) after {trials} trials, seeds {firstSeed}..{firstSeed + seeds - 1}; lower is better");
            Console.WriteLine($"{"function",-10} {"sampler",-18} {"q25",10} {"median",10} {"q75",10} {"s/run",7}");
            foreach (var p in problems)
            foreach (var (name, create) in samplers)
            {
                var regrets = new double[seeds];
                long t0 = Stopwatch.GetTimestamp();
                for (int s = 0; s < seeds; s++)
                {
                    RunSeed = firstSeed + s;
                    regrets[s] = TestFunctions.Optimize(create(), p.Space, p.F, trials, firstSeed + s) - p.Minimum;
                }
                double secondsPerRun = Stopwatch.GetElapsedTime(t0).TotalSeconds / seeds;
                Console.WriteLine($"{p.Name,-10} {name,-18} {E(Stats.Quantile(regrets, 0.25)),10} {E(Stats.Quantile(regrets, 0.5)),10} {E(Stats.Quantile(regrets, 0.75)),10} {secondsPerRun,7:F3}");
            }
            Console.WriteLine("# quartiles by linear interpolation (numpy's default); tpe-mv = TpeSampler defaults (multivariate), tpe-uni = Multivariate = false; " +
                "qr-startup = TpeOptions.Startup = QuasiRandom (seeded per run); cma-es = CmaEsSampler defaults; quasi-random = QuasiRandomSampler");
        }

        private static string E(double v) => v.ToString("0.000e+00", CultureInfo.InvariantCulture);

        /// <summary>The seed of the run being set up (the samplers' factories read it).</summary>
        private static int RunSeed;
    }

    internal static class Stats
    {
        /// <summary>The q-quantile with linear interpolation between order statistics (numpy's default method).</summary>
        public static double Quantile(double[] values, double q)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            double pos = q * (sorted.Length - 1);
            int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
    }
}
