using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Attune.Search;

/// <summary>
/// Who runs a trial, as storages record it in the trials' <c>worker</c> column: <c>host:pid</c> for people, followed by
/// a key that lets another process on the same machine tell for sure that this process is gone, e.g.
/// <c>build-7:4411 (linux 077b54db-... pid:[4026531836] start 2163551)</c>.
/// </summary>
/// <remarks>
/// Why a key and not just host and pid: a heartbeat can only say a worker is silent, so a rerun after a crash would wait
/// out the whole grace period (2 minutes) for a process that died. A process of this machine can be checked directly,
/// but only when the pid means the same thing to both: same boot (Linux's boot id), same pid namespace (containers share
/// host names with the host under host networking but not pids), and the same process, not a later one that reused the
/// pid (its start time). Anything short of all three is "may be alive": the trial is then left to the heartbeat rule, as
/// before. So a mistake can only make a rerun wait, never fail a live worker's trial.
/// </remarks>
internal static class WorkerIdentity
{
    /// <summary>This process's liveness key, or null where the platform gives none. (Declared before
    /// <see cref="Current"/>: static initializers run in this order.)</summary>
    private static readonly string? CurrentKey = KeyOf(Environment.ProcessId);

    /// <summary>This process's worker text.</summary>
    public static string Current { get; } = Describe();

    /// <summary>The <c>host:pid</c> part of a worker text (for messages).</summary>
    public static string Short(string? worker)
    {
        if (string.IsNullOrEmpty(worker)) return "an unknown worker";
        int space = worker.IndexOf(' ');
        return space < 0 ? worker : worker[..space];
    }

    /// <summary>
    /// True only when <paramref name="worker"/> names a process of this machine, this boot and this pid namespace
    /// that is no longer running (or whose pid now belongs to a later process). False when it may be alive, when it is
    /// this process, or when the text does not carry a key this process can check (another machine, an older Attune).
    /// </summary>
    public static bool IsGone(string? worker)
    {
        if (worker is null || CurrentKey is null) return false;
        int open = worker.IndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !worker.EndsWith(')')) return false;
        string head = worker[..open];
        int colon = head.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(head[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return false;
        if (!string.Equals(head[..colon], Environment.MachineName, StringComparison.Ordinal)) return false;
        string key = worker[(open + 2)..^1];
        // Same machine scope: everything of the key but the start time must match this process's.
        if (Scope(key) is not { } scope || scope != Scope(CurrentKey)) return false;
        if (pid == Environment.ProcessId) return key != CurrentKey;   // this pid, an earlier process: gone
        string? now = KeyOf(pid);
        return now is null ? ProcessGone(pid) : now != key;
    }

    private static string Describe()
    {
        string head = $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        return CurrentKey is null ? head : $"{head} ({CurrentKey})";
    }

    /// <summary>The key without its start time: what must match for a pid to be checked here.</summary>
    private static string? Scope(string key)
    {
        int start = key.LastIndexOf(" start ", StringComparison.Ordinal);
        return start < 0 ? null : key[..start];
    }

    /// <summary>"linux &lt;boot id&gt; &lt;pid namespace&gt; start &lt;ticks since boot&gt;" on Linux; elsewhere
    /// "&lt;os&gt; start &lt;UTC start ticks&gt;". Null when the process does not exist or cannot be read.</summary>
    private static string? KeyOf(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                // Field 22 (starttime) counted after the command name, which is in parentheses and may hold spaces.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                string boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                string pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget ?? "pid:[?]";
                return $"linux {boot} {pidNamespace} start {fields[19]}";
            }
            using var p = Process.GetProcessById(pid);
            return $"{(OperatingSystem.IsWindows() ? "windows" : "unix")} start {p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                                      or IndexOutOfRangeException or System.ComponentModel.Win32Exception or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Whether no process with this pid exists (used when its key could not be read: /proc mounted with hidepid
    /// hides other users' processes). kill(pid, 0) sends nothing: ESRCH means no such process, EPERM one we may not
    /// signal, which is alive.</summary>
    private static bool ProcessGone(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            try { using var p = Process.GetProcessById(pid); return p.HasExited; }
            catch (ArgumentException) { return true; }
            catch (InvalidOperationException) { return true; }
        }
        try { return Kill(pid, 0) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Esrch; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private const int Esrch = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
