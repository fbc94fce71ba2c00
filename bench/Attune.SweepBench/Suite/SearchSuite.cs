using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Attune.Search;
using Attune.SweepBench.Problems;
using Attune.Tuning.Tests;

namespace Attune.SweepBench.Suite;

/// <summary>
/// Attune's half of the search suite (issue 14; bench/run-search-suite.sh runs both halves and prints the table):
/// every <see cref="Sampler"/> but Grid, found with Enum.GetValues so a sampler added to the enum joins the suite by
/// itself, on every problem, seeds firstSeed … firstSeed + seeds − 1, one run of <c>trials</c> sequential trials per (problem, sampler, seed)
/// with one <see cref="Random"/>(seed) for the run, as a 1-worker sweep. Writes one CSV row per run and budget:
/// the regret of the trial the sampler would report best (lowest observed value; the first of ties) after that many
/// trials, measured on the noise-free objective (<see cref="BenchmarkProblem.Evaluate"/>) minus the known minimum.
/// bench/optuna/suite.py writes the same columns for Optuna.
/// </summary>
public static class SearchSuite
{
    public const string CsvHeader = "problem,sampler,seed,budget,regret,seconds,cpu_seconds";

    /// <summary>Attune's suite samplers: "attune-" + the enum member in lower case.</summary>
    public static IReadOnlyList<(string Name, Sampler Kind)> Samplers() =>
        Enum.GetValues<Sampler>().Where(s => s != Sampler.Grid).Select(s => ("attune-" + s.ToString().ToLowerInvariant(), s)).ToArray();

    /// <summary>The Gaussian-process sampler costs a tenth of a second to a second per proposal (its fit grows as n³ up
    /// to <see cref="GpOptions.MaxTrials"/>), so 200 trials × 20 seeds × every problem would take hours; it is built for
    /// small budgets and runs only this many trials (its rows stop at the budgets within them).</summary>
    public const int DefaultGpTrials = 50;

    public static int Run(IReadOnlyList<BenchmarkProblem> problems, string? samplerFilter, int firstSeed, int seeds, int trials, int[] budgets, int jobs, string csvPath, int gpTrials = DefaultGpTrials)
    {
        var samplers = Samplers();
        if (!string.IsNullOrWhiteSpace(samplerFilter))
        {
            var wanted = samplerFilter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // The one --samplers list names both halves' samplers: this half ignores "optuna-…" names, but a name that is
            // neither one of ours nor Optuna's is a typo, and a typo must not silently run nothing.
            var unknown = wanted.Where(w => !w.StartsWith("optuna-", StringComparison.Ordinal) && !samplers.Any(s => s.Name == w)).ToArray();
            if (unknown.Length > 0)
            {
                Console.Error.WriteLine($"--samplers names {string.Join(", ", unknown)}, which is no sampler here; expected any of {string.Join(", ", samplers.Select(s => s.Name))} (or Optuna's, optuna-…).");
                return 2;
            }
            samplers = samplers.Where(s => wanted.Contains(s.Name)).ToArray();
        }
        if (budgets.Any(b => b < 1 || b > trials))
            throw new ArgumentException($"Expected every budget within 1..{trials} (the trials per run); found {string.Join(",", budgets)}.");
        using var csv = new StreamWriter(csvPath);
        csv.WriteLine(CsvHeader);
        Console.WriteLine($"# Attune search suite: {problems.Count} problem(s) x {samplers.Count} sampler(s) ({string.Join(", ", samplers.Select(s => s.Name))}), " +
            $"seeds {firstSeed}..{firstSeed + seeds - 1}, {trials} trials per run, {jobs} job(s) -> {csvPath}");
        if (samplers.Count == 0) return 0;
        var total = Stopwatch.StartNew();
        foreach (var problem in problems)
        {
            var block = Stopwatch.StartNew();
            foreach (var (name, kind) in samplers)
            {
                var rows = new ConcurrentBag<(int Seed, double[] Regrets, double Seconds, double Cpu)>();
                Parallel.For(firstSeed, firstSeed + seeds, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, seed =>
                {
                    // One run stays on one thread, so that thread's CPU clock is the run's CPU time.
                    long t0 = Stopwatch.GetTimestamp();
                    var c0 = Attune.Bench.ThreadClock.Now();
                    // Seeded as a sweep seeds it: what must hold across a study's trials (Sobol scrambles, CMA-ES
                    // restarts, TPE's start-up) comes from the run's seed, so every seed is a different run.
                    int runTrials = kind == Sampler.Gp ? Math.Min(trials, gpTrials) : trials;
                    var runBudgets = budgets.Where(b => b <= runTrials).ToArray();
                    var regrets = RunOnce(problem, Attune.Search.Samplers.Create(kind, seed: seed), seed, runTrials, runBudgets);
                    rows.Add((seed, regrets, Stopwatch.GetElapsedTime(t0).TotalSeconds, (Attune.Bench.ThreadClock.Now() - c0).TotalSeconds));
                });
                foreach (var (seed, regrets, seconds, cpu) in rows.OrderBy(r => r.Seed))
                for (int b = 0; b < regrets.Length; b++)
                    csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{problem.Name},{name},{seed},{budgets[b]},{regrets[b]:R},{seconds:F4},{cpu:F4}"));
            }
            csv.Flush();
            Console.WriteLine($"  {problem.Name,-16} {block.Elapsed.TotalSeconds,7:F1} s");
        }
        Console.WriteLine($"# Attune half done in {total.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>One run; the regret after each budget (budgets ascending).</summary>
    public static double[] RunOnce(BenchmarkProblem problem, ISampler sampler, int seed, int trials, int[] budgets)
    {
        var random = new Random(seed);
        var history = new List<FrozenTrial>(trials);
        var regrets = new double[budgets.Length];
        double bestObserved = double.PositiveInfinity, bestTrue = double.NaN;
        for (int i = 0, b = 0; i < trials; i++)
        {
            var x = sampler.Sample(problem.Space, history, Direction.Minimize, random);
            double observed = problem.Observe(x, seed, i);
            if (observed < bestObserved) { bestObserved = observed; bestTrue = problem.NoiseSd == 0 ? observed : problem.Evaluate(x); }
            history.Add(TrialFactory.Complete(i, x, observed));
            while (b < budgets.Length && budgets[b] == i + 1) regrets[b++] = bestTrue - problem.Minimum;
        }
        return regrets;
    }
}
