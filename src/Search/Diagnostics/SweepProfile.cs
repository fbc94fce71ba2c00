using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;

namespace Attune.Search;

/// <summary>
/// Where a sweep's coordination time goes, per phase (storage round trips, lock waits, sampling), for the coordination
/// benchmark's breakdown (docs/benchmark-logs/2026-11-24-coordination.md). Off unless <see cref="Variable"/> is "1"; then each phase's count, total
/// and largest duration are written to standard error when the sweep ends. Costs one static read per phase when off.
/// </summary>
internal static class SweepProfile
{
    /// <summary>Environment variable that turns the profile on.</summary>
    public const string Variable = "ATTUNE_SWEEP_PROFILE";

    public static readonly bool Enabled = Environment.GetEnvironmentVariable(Variable) == "1";

    private static readonly ConcurrentDictionary<string, Phase> phases = new(StringComparer.Ordinal);

    private sealed class Phase
    {
        public long Count, Ticks, MaxTicks;
        // Every duration of a worker's step between trials (phases named "step: ..."), for the benchmark's percentiles.
        public readonly ConcurrentQueue<double> Samples = new();
    }

    /// <summary>A timestamp to pass to <see cref="Add"/>, or 0 when off.</summary>
    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Adds the time since <paramref name="started"/> to <paramref name="phase"/>.</summary>
    public static void Add(string phase, long started)
    {
        if (!Enabled) return;
        long ticks = Stopwatch.GetTimestamp() - started;
        var p = phases.GetOrAdd(phase, _ => new Phase());
        Interlocked.Increment(ref p.Count);
        Interlocked.Add(ref p.Ticks, ticks);
        long max;
        while (ticks > (max = Volatile.Read(ref p.MaxTicks)) && Interlocked.CompareExchange(ref p.MaxTicks, ticks, max) != max) { }
        if (phase.StartsWith("step:", StringComparison.Ordinal) && p.Samples.Count < 100_000) p.Samples.Enqueue(ticks * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>Writes every phase since the last report, and how long the process ran before the sweep's first trial, to
    /// standard error.</summary>
    public static void Report(string what)
    {
        if (!Enabled) return;
        var text = new StringBuilder();
        double startup = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        text.Append(CultureInfo.InvariantCulture, $"profile {what}: process age at report {startup:0} ms, gen0/1/2 GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}\n");
        foreach (var (name, ms) in marks.OrderBy(kv => kv.Value))
            text.Append(CultureInfo.InvariantCulture, $"profile at {ms,7:0} ms after process start: {name}\n");
        foreach (var (name, p) in phases.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            double total = p.Ticks * 1000.0 / Stopwatch.Frequency, max = p.MaxTicks * 1000.0 / Stopwatch.Frequency;
            text.Append(CultureInfo.InvariantCulture, $"profile {name,-28} n {p.Count,5}  total {total,8:0.0} ms  mean {total / Math.Max(1, p.Count),7:0.000} ms  max {max,7:0.0} ms\n");
            if (!p.Samples.IsEmpty)
                text.Append(CultureInfo.InvariantCulture, $"profile-samples {name}|{string.Join(",", p.Samples.Select(ms => ms.ToString("0.###", CultureInfo.InvariantCulture)))}\n");
        }
        Console.Error.Write(text.ToString());
        phases.Clear();   // the next sweep in this process reports its own phases
    }

    private static readonly ConcurrentDictionary<string, double> marks = new(StringComparer.Ordinal);

    /// <summary>Records, the first time only, how old the process was when <paramref name="moment"/> happened
    /// (e.g. "sweep entered", "first trial created"): the start-up share of the benchmark's window.</summary>
    public static void Mark(string moment)
    {
        if (!Enabled || marks.ContainsKey(moment)) return;
        marks.TryAdd(moment, (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds);
    }
}
