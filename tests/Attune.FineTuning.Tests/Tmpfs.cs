using System.Diagnostics;

namespace Attune.FineTuning.Tests;

/// <summary>
/// A small tmpfs mounted on a fresh directory (needs root or CAP_SYS_ADMIN), unmounted on Dispose even when the test
/// failed. <see cref="TryMount"/> returns null where mount is refused; the tests then fall back and say so.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static Tmpfs? TryMount(string options, out string why)
    {
        if (Environment.GetEnvironmentVariable("ATTUNE_TEST_NO_MOUNT") == "1") { why = "ATTUNE_TEST_NO_MOUNT=1"; return null; } // to try the fallbacks
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "attune-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code == 0) { why = ""; return new Tmpfs(path); }
        why = $"mount -t tmpfs -o {options} exited {code}: {output.Trim()}";
        try { Directory.Delete(path); } catch (IOException) { }
        return null;
    }

    public void Dispose()
    {
        var (code, _) = Run("umount", Path);
        if (code != 0) Run("umount", "-l", Path); // a file still open somewhere: detach now, freed when closed
        try { Directory.Delete(Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000)) { process.Kill(); return (-1, "timed out"); }
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex) { return (-1, ex.Message); }
    }
}
