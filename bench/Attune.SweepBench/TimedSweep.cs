using System.Diagnostics;
using Attune.Search;

namespace Attune.SweepBench;

/// <summary>
/// The measured sweep of the overhead and scale benchmarks: <see cref="Sweep.Run{T}(Func{Trial{T}, double}, SweepOptions, ISampler?, IPruner?, IStudyStorage?, IProgress{SweepProgress}?, Microsoft.Extensions.Logging.ILogger?, CancellationToken)"/>
/// over the overhead space with its trivial objective, 1 worker, seed 1, so everything timed is Attune's own cost.
/// Records when each objective call began; disposes the storage.
/// </summary>
internal static class TimedSweep
{
    /// <returns>The start of each objective call (Stopwatch timestamps), and the run's wall and process CPU milliseconds.</returns>
    public static (long[] Stamps, double WallMs, double CpuMs) Run(ISampler sampler, IStudyStorage storage, int trials, string studyName)
    {
        var stamps = new long[trials];
        int calls = 0;
        var options = new SweepOptions { Trials = trials, Direction = Direction.Minimize, Seed = 1, StudyName = studyName, ConsoleProgress = false };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            var result = Sweep.Run<OverheadSpace>(trial =>
            {
                if (calls < stamps.Length) stamps[calls] = Stopwatch.GetTimestamp();
                calls++;
                return trial.Parameters.Objective();
            }, options, sampler, pruner: null, storage: storage);
            if (result.Trials.Count != trials) throw new InvalidOperationException($"expected {trials} trials, got {result.Trials.Count}");
        }
        finally
        {
            storage.Dispose();
        }
        double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
        return (stamps, wall, cpu);
    }
}
