namespace Attune.Generator.Emit
{
    /// <summary>
    /// Writes the module initializer that registers the study storages of the Attune packages a project references
    /// (today: PostgreSQL, from Attune.Search.PostgreSql), so that <c>SweepOptions.Storage = "Host=…"</c> works with no
    /// start-up code. Emitted only when that package is referenced: the search package itself knows no server storage,
    /// so a sweep on a SQLite file pulls no database driver.
    /// </summary>
    internal static class StorageInitEmitter
    {
        public const string HintName = "Attune.StorageInit.g.cs";

        /// <summary>The type whose <c>Register()</c> the initializer calls.</summary>
        public const string PostgresStorageName = "Attune.Search.PostgreSql.PostgresStudyStorage";

        /// <summary>The initializer can compile and has something to register.</summary>
        public static bool CanInitialize(Microsoft.CodeAnalysis.Compilation compilation)
            => compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null
               && compilation.GetTypeByMetadataName(PostgresStorageName) is not null;

        public static string Emit() => $$"""
            {{GeneratorInfo.Header}}

            namespace Attune.Generated
            {
                /// <summary>Registers the study storages of the referenced Attune packages when this assembly loads.</summary>
                {{GeneratorInfo.GeneratedCodeAttribute}}
                internal static class AttuneStorageInitializer
                {
                    // A module initializer, because a sweep may be started from any code of this assembly and its storage
                    // is named by a string. CA2255 warns about module initializers in libraries; registering is idempotent.
            #pragma warning disable CA2255
                    [global::System.Runtime.CompilerServices.ModuleInitializer]
            #pragma warning restore CA2255
                    internal static void RegisterStudyStorages() => global::{{PostgresStorageName}}.Register();
                }
            }
            """ + "\n";
    }
}
