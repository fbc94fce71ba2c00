namespace Attune.Generator.Emit
{
    /// <summary>Writes the module initializer that makes TorchSharp's native library loadable (once per compilation).</summary>
    internal static class NativeInitEmitter
    {
        public const string HintName = "Attune.NativeInit.g.cs";

        /// <summary>The MSBuild property (read as <c>build_property.AttuneNativeFix</c>) that turns it off when "false".</summary>
        public const string OptOutProperty = "build_property.AttuneNativeFix";

        /// <summary>The initializer can compile: the target has <c>ModuleInitializerAttribute</c> and references the runtime.</summary>
        public static bool CanInitialize(Microsoft.CodeAnalysis.Compilation compilation)
            => compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null
               && compilation.GetTypeByMetadataName("Attune.FineTuning.TorchSharpNative") is not null;

        /// <summary>False only when the project sets <c>&lt;AttuneNativeFix&gt;false&lt;/AttuneNativeFix&gt;</c>.</summary>
        public static bool IsEnabled(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options)
            => !(options.TryGetValue(OptOutProperty, out var value)
                 && string.Equals(value?.Trim(), "false", System.StringComparison.OrdinalIgnoreCase));

        public static string Emit() => $$"""
            {{GeneratorInfo.Header}}

            namespace Attune.Generated
            {
                /// <summary>Runs Attune's native-library fix when this assembly loads.</summary>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                internal static class AttuneModuleInitializer
                {
                    // A module initializer, because the fix must run before TorchSharp's native library is first loaded,
                    // and user code may touch TorchSharp before any Attune API. CA2255 warns about module initializers in
                    // libraries; this one is idempotent and cheap. Opt out with <AttuneNativeFix>false</AttuneNativeFix>.
            #pragma warning disable CA2255
                    [global::System.Runtime.CompilerServices.ModuleInitializer]
            #pragma warning restore CA2255
                    internal static void EnsureTorchSharpLoadable() => global::Attune.FineTuning.TorchSharpNative.EnsureLoadable();
                }
            }
            """ + "\n";
    }
}
