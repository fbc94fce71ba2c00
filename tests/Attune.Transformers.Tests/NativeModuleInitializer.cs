using System.Runtime.CompilerServices;

namespace Attune.Transformers.Tests;

internal static class NativeModuleInitializer
{
    // Runs before any test touches TorchSharp, exactly as the generator's initializer does in user apps (this assembly's
    // own [FineTune] test models get the generated one too; the fix is idempotent).
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => TorchSharpNative.EnsureLoadable();
}
