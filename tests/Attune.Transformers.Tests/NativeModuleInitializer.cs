using System.Runtime.CompilerServices;
using Attune.FineTuning;

// TorchSharp's global random generator is process-wide: seeded tests (initial weights, resume) need no other test
// drawing from it meanwhile, and on 2 cores parallel TorchSharp tests gain little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

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
