namespace Attune;

/// <summary>
/// Makes TorchSharp's native library loadable on Linux systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04,
/// RHEL 9). Generated code calls <see cref="EnsureLoadable"/> from a module initializer, before any TorchSharp use.
/// </summary>
public static class TorchSharpNative
{
    /// <summary>Idempotent; does nothing where no fix is needed or when opted out.</summary>
    public static void EnsureLoadable() { }
}
