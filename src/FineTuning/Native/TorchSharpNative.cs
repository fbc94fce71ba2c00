using System;
using System.Linq;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Attune.FineTuning;

/// <summary>What <see cref="TorchSharpNative.EnsureLoadable"/> found.</summary>
public enum NativeFixStatus
{
    /// <summary>Not Linux: nothing to do.</summary>
    NotLinux = 0,
    /// <summary>ATTUNE_NATIVE_FIX=0 (or false/off/no) is set.</summary>
    OptedOut = 1,
    /// <summary>The system's libstdc++ already has GLIBCXX_3.4.32 (GCC 13 or newer).</summary>
    NotNeeded = 2,
    /// <summary>No libLibTorchSharp.so next to the app; TorchSharp reports its own error if it is needed.</summary>
    LibraryNotFound = 3,
    /// <summary>This TorchSharp build needs nothing from GLIBCXX_3.4.32.</summary>
    LibraryNeedsNoPatch = 4,
    /// <summary>A patched copy was loaded (created now or reused from the cache).</summary>
    Applied = 5,
    /// <summary>The fix was needed but could not be applied; <see cref="NativeFixResult.Message"/> says why.</summary>
    Failed = 6,
    /// <summary>The libstdc++ version could not be queried (no dlvsym, e.g. musl); nothing was changed.</summary>
    Unknown = 7,
    /// <summary>TorchSharp is there but its native backend (libtorch) is not: the app references no backend package.
    /// The message, printed to standard error, names the package to add.</summary>
    BackendMissing = 8,
}

/// <summary>The outcome of the native-library fix, for logs and support.</summary>
public sealed record NativeFixResult(NativeFixStatus Status, string Message, string? OriginalLibrary = null, string? PatchedLibrary = null);

/// <summary>
/// Makes TorchSharp 0.107's native library loadable on Linux systems whose libstdc++ predates GCC 13 (Debian 12,
/// Ubuntu 22.04, RHEL 9), where it otherwise fails with "GLIBCXX_3.4.32 not found".
/// <para>
/// Only when the running system's libstdc++ lacks GLIBCXX_3.4.32, it copies the app's <c>libLibTorchSharp.so</c> into a
/// per-user cache (never touching the app folder or the NuGet cache), applies <see cref="ElfSymbolVersionPatch"/>, and
/// loads the copy after its libtorch dependencies. TorchSharp's own load of "LibTorchSharp" then resolves to the
/// already-loaded library by its soname. Generated code calls this from a module initializer; call it yourself first
/// thing in programs that use TorchSharp without any <c>[FineTune]</c> type. Opt out with the environment variable
/// <c>ATTUNE_NATIVE_FIX=0</c> or the MSBuild property <c>AttuneNativeFix=false</c>; set <c>ATTUNE_NATIVE_TRACE=1</c>
/// to print what it does. See DEVELOPERS.md.
/// </para>
/// </summary>
public static class TorchSharpNative
{
    private const string LibraryFile = "libLibTorchSharp.so";
    private static readonly object Gate = new();
    private static NativeFixResult? result;

    /// <summary>The result of the first <see cref="EnsureLoadable"/> call in this process, or null before it.</summary>
    public static NativeFixResult? LastResult => result;

    /// <summary>Idempotent and cheap after the first call; never throws (a failure is returned and printed once).</summary>
    public static NativeFixResult EnsureLoadable()
    {
        lock (Gate)
        {
            if (result is not null) return result;
            try
            {
                result = Apply();
            }
            catch (Exception e)
            {
                result = new NativeFixResult(NativeFixStatus.Failed, e.Message);
            }
            if (result.Status is NativeFixStatus.Failed or NativeFixStatus.BackendMissing || Tracing)
                Console.Error.WriteLine($"Attune native fix: {result.Status}: {result.Message}");
            return result;
        }
    }

    private static bool Tracing => Environment.GetEnvironmentVariable("ATTUNE_NATIVE_TRACE") is "1" or "true";

    private static NativeFixResult Apply()
    {
        if (!OperatingSystem.IsLinux())
            return new(NativeFixStatus.NotLinux, "not Linux");
        if (IsOptedOut(Environment.GetEnvironmentVariable("ATTUNE_NATIVE_FIX")))
            return new(NativeFixStatus.OptedOut, "ATTUNE_NATIVE_FIX turns the fix off");

        var directories = SearchDirectories();
        string? original = FindIn(directories, LibraryFile);
        if (original is null)
            return new(NativeFixStatus.LibraryNotFound, $"no {LibraryFile} in the app's native search directories");
        // Without a backend package TorchSharp's first call fails with a bare DllNotFoundException; say what to add
        // before that happens (this runs from a module initializer, ahead of any TorchSharp code).
        if (BackendFiles.All(file => FindIn(directories, file) is null))
            return new(NativeFixStatus.BackendMissing, MissingBackendMessage(directories), original);

        switch (LibStdCxx.HasVersion(ElfSymbolVersionPatch.OldSymbol, ElfSymbolVersionPatch.MissingVersion))
        {
            case null: return new(NativeFixStatus.Unknown, "could not query libstdc++ (no dlvsym)", original);
            case true: return new(NativeFixStatus.NotNeeded, $"libstdc++ has {ElfSymbolVersionPatch.MissingVersion}", original);
        }

        byte[] image = File.ReadAllBytes(original);
        if (!ElfSymbolVersionPatch.NeedsPatch(image, original))
            return new(NativeFixStatus.LibraryNeedsNoPatch, $"{original} needs nothing from {ElfSymbolVersionPatch.MissingVersion}", original);

        string patched = PatchedCopy(original, image);
        string directory = Path.GetDirectoryName(original)!;
        // The copy lives elsewhere, so its $ORIGIN run path no longer finds libtorch: load those from the app first;
        // the loader then satisfies the copy's NEEDED entries by soname.
        foreach (var dependency in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            string path = Path.Combine(directory, dependency);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        NativeLibrary.Load(patched);
        return new(NativeFixStatus.Applied, $"loaded {patched} (a patched copy of {original})", original, patched);
    }

    internal static bool IsOptedOut(string? value) =>
        value is not null && value.Trim().ToLowerInvariant() is "0" or "false" or "off" or "no";

    /// <summary>Creates (atomically) or reuses the patched copy for this exact original file.</summary>
    internal static string PatchedCopy(string original, byte[] image)
    {
        string hash = Convert.ToHexString(SHA256.HashData(image))[..16].ToLowerInvariant();
        string directory = Path.Combine(CacheRoot(), hash);
        string target = Path.Combine(directory, LibraryFile);
        if (File.Exists(target) && !ElfSymbolVersionPatch.NeedsPatch(File.ReadAllBytes(target), target))
            return target;

        Directory.CreateDirectory(directory);
        var copy = (byte[])image.Clone();
        ElfSymbolVersionPatch.Apply(copy, original);
        // Temp file + rename: a concurrent process either sees no file or a complete one.
        string temp = Path.Combine(directory, $".{LibraryFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, copy);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>ATTUNE_NATIVE_CACHE, else $XDG_CACHE_HOME/attune/native, else ~/.cache/attune/native, else the temp folder.</summary>
    internal static string CacheRoot()
    {
        if (Environment.GetEnvironmentVariable("ATTUNE_NATIVE_CACHE") is { Length: > 0 } explicitRoot) return explicitRoot;
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "attune", "native");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) return Path.Combine(home, ".cache", "attune", "native");
        return Path.Combine(Path.GetTempPath(), $"attune-native-{Environment.UserName}");
    }

    /// <summary>The libraries one of which a libtorch backend package brings (CPU or CUDA).</summary>
    internal static readonly string[] BackendFiles = ["libtorch_cpu.so", "libtorch_cuda.so"];

    /// <summary>Where the app will load libLibTorchSharp.so from.</summary>
    internal static string? FindLibrary() => FindIn(SearchDirectories(), LibraryFile);

    /// <summary>Where the app loads native libraries from: the host's native search directories (from the app's
    /// deps.json), then the app folder and its runtimes/&lt;rid&gt;/native folder.</summary>
    internal static List<string> SearchDirectories()
    {
        var directories = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchPath)
            directories.AddRange(searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        directories.Add(AppContext.BaseDirectory);
        directories.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"));
        return directories;
    }

    /// <summary>The full path of <paramref name="file"/> in the first of <paramref name="directories"/> holding it.</summary>
    internal static string? FindIn(IEnumerable<string> directories, string file)
    {
        foreach (var directory in directories)
        {
            string candidate = Path.Combine(directory, file);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>What to tell a user whose app has TorchSharp but no backend: what is missing, where it looked, which package to add.</summary>
    internal static string MissingBackendMessage(IReadOnlyCollection<string> directories)
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        return $"TorchSharp's native backend (libtorch) is not in this app: none of {string.Join(", ", BackendFiles)} is in its " +
               $"native search directories ({string.Join(", ", directories.Distinct())}). Add a backend package to the project " +
               $"that builds the app: libtorch-cpu-{rid} (version 2.10.0, the libtorch of TorchSharp 0.107), or TorchSharp-cpu; " +
               "without one, TorchSharp's first call fails with DllNotFoundException.";
    }
}
