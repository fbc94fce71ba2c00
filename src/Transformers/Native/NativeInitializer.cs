using System.Runtime.CompilerServices;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// Runs Attune's TorchSharp native-library fix (DEVELOPERS.md) when this assembly loads. The generator adds the same
/// initializer to every assembly with a <c>[FineTune]</c> model; a program that only uses this package (inference,
/// embeddings) has none, and TorchSharp 0.107 would not load on Debian 12 / Ubuntu 22.04 / RHEL 9 without it. This
/// assembly loads before any of its types run TorchSharp code. Idempotent and cheap; opt out with ATTUNE_NATIVE_FIX=0.
/// </summary>
internal static class NativeInitializer
{
    // CA2255 warns about module initializers in libraries; this one only makes the native library loadable.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void EnsureTorchSharpLoadable() => TorchSharpNative.EnsureLoadable();
}
