using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using Attune.FineTuning;

namespace Attune.Bench;

/// <summary>What the numbers were measured on.</summary>
internal static class Machine
{
    public static void Print()
    {
        Console.WriteLine("Machine");
        Console.WriteLine($"  OS          {OsName()} ({RuntimeInformation.OSArchitecture}), kernel {Environment.OSVersion.Version}");
        Console.WriteLine($"  CPU         {CpuModel()}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"  .NET        {RuntimeInformation.FrameworkDescription}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine($"  TorchSharp  {Version(typeof(torch).Assembly)}, libtorch-cpu-linux-x64 {LibTorchVersion()}");
        Console.WriteLine($"  Attune      {Version(typeof(FineTuner).Assembly)}");
        Console.WriteLine($"  torch threads {torch.get_num_threads()}; OPENBLAS_CORETYPE={Env("OPENBLAS_CORETYPE")} OPENBLAS_L2_SIZE={Env("OPENBLAS_L2_SIZE")} (environment, left as found)");
        Console.WriteLine($"  load        {LoadAverage()} (1/5/15-minute load average at start; other processes on this machine share its cores)");
        Console.WriteLine();
    }

    /// <summary>/proc/loadavg's first three fields, or "?".</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) ?? "(unset)";

    private static string Version(Assembly assembly)
    {
        var info = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (info is null) return assembly.GetName().Version?.ToString() ?? "?";
        int plus = info.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? info[..plus] : info;
    }

    private static string OsName()
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/os-release"))
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                    return line["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.OSDescription;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The libtorch package version, read from the app's deps.json (the backend package is an app dependency).</summary>
    private static string LibTorchVersion()
    {
        try
        {
            var deps = Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()!.GetName().Name + ".deps.json");
            foreach (var line in File.ReadLines(deps))
            {
                const string key = "\"libtorch-cpu-linux-x64/";
                int at = line.IndexOf(key, StringComparison.Ordinal);
                if (at >= 0)
                {
                    int end = line.IndexOf('"', at + key.Length);
                    return line[(at + key.Length)..end];
                }
            }
        }
        catch (IOException) { }
        return "?";
    }

    /// <summary>Resident set size from /proc/self/status (VmRSS), in MiB; NaN off Linux.</summary>
    public static double RssMiB()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return double.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
                }
        }
        catch (IOException) { }
        return double.NaN;
    }
}
