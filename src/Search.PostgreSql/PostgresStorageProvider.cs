namespace Attune.Search.PostgreSql;

/// <summary>
/// Lets <see cref="StudyStorage.Open"/> open PostgreSQL studies: "Host=…;…" (or "Server=…") and "postgres://…" /
/// "postgresql://…". Registered by <see cref="PostgresStudyStorage.Register"/>, which a project referencing this package
/// calls through its generated module initializer.
/// </summary>
public sealed class PostgresStorageProvider : IStudyStorageProvider
{
    /// <summary>The one instance.</summary>
    public static PostgresStorageProvider Instance { get; } = new();

    private PostgresStorageProvider() { }

    public string Name => "PostgreSQL";

    public bool Recognises(string storage) => StorageText.LooksLikePostgres(storage);

    public IStudyStorage Open(string storage) => new PostgresStudyStorage(storage);
}
