using System.Runtime.CompilerServices;

namespace Attune.FineTuning.Tests;

internal static class NativeModuleInitializer
{
    // Runs before any test touches TorchSharp, exactly as the generator's initializer does in user apps.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => TorchSharpNative.EnsureLoadable();
}
