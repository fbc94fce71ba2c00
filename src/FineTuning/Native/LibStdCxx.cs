using System;
using System.Runtime.InteropServices;

namespace Attune.FineTuning;

/// <summary>Asks the dynamic loader (not a file on disk) whether the libstdc++ this process gets defines a versioned symbol.</summary>
internal static unsafe class LibStdCxx
{
    /// <summary>True or false from dlvsym; null when it cannot be asked (no libstdc++ or no dlvsym, e.g. musl).</summary>
    public static bool? HasVersion(string symbol, string version)
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var libstdcxx)) return null;
        IntPtr dlvsym = IntPtr.Zero;
        // glibc ≥ 2.34 has dlvsym in libc; older ones in libdl.
        foreach (var library in new[] { "libc.so.6", "libdl.so.2" })
            if (NativeLibrary.TryLoad(library, out var handle) && NativeLibrary.TryGetExport(handle, "dlvsym", out dlvsym))
                break;
        if (dlvsym == IntPtr.Zero) return null;

        IntPtr nameUtf8 = Marshal.StringToCoTaskMemUTF8(symbol), versionUtf8 = Marshal.StringToCoTaskMemUTF8(version);
        try
        {
            var lookup = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr>)dlvsym;
            return lookup(libstdcxx, nameUtf8, versionUtf8) != IntPtr.Zero;
        }
        finally
        {
            Marshal.FreeCoTaskMem(nameUtf8);
            Marshal.FreeCoTaskMem(versionUtf8);
        }
    }
}
