using System.Runtime.InteropServices;

namespace Attune.Bench;

/// <summary>
/// CPU time consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID, nanosecond resolution). With
/// torch.set_num_threads(1) every forward, backward and optimizer kernel runs on the calling thread, so this is the
/// work a run did, without the time it spent waiting for a core while other processes ran. Wall time is reported too.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);

    /// <summary>The calling thread's CPU time; <see cref="TimeSpan.Zero"/> where the clock is unavailable.</summary>
    public static TimeSpan Now()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) return TimeSpan.Zero;
        return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
    }
}
