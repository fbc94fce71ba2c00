using System;

namespace Attune;

/// <summary>Opens the storage <see cref="SweepOptions.Storage"/> names.</summary>
public static class StudyStorage
{
    /// <summary>The SQLite file used when <see cref="SweepOptions.Storage"/> is null, in the working directory.</summary>
    public const string DefaultFile = "attune-studies.db";

    /// <summary>The forms <see cref="SweepOptions.Storage"/> accepts, for messages.</summary>
    public const string AcceptedForms =
        "null (the SQLite file \"attune-studies.db\" in the working directory), \":memory:\" (this process's memory), " +
        "a SQLite file path ending in .db, .sqlite or .sqlite3, or a SQLite connection string \"Data Source=<path>[;...]\", " +
        "or a PostgreSQL connection string \"Host=<host>;Port=<port>;Username=<user>;Password=<password>;Database=<db>\" or URL \"postgres://user:password@host:port/db\"";

    /// <summary>
    /// Opens <paramref name="storage"/>: null → SQLite file <see cref="DefaultFile"/>; ":memory:" → a new
    /// <see cref="InMemoryStudyStorage"/>; a path ending .db/.sqlite/.sqlite3 or "Data Source=..." → SQLite;
    /// "Host=..." (or "Server=...") or "postgres://..." / "postgresql://..." → <see cref="PostgresStudyStorage"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Any other form (the message lists the accepted ones; a value that may be a
    /// connection string is not repeated).</exception>
    public static IStudyStorage Open(string? storage)
    {
        if (storage is null) return new SqliteStudyStorage(DefaultFile);
        string s = storage.Trim();
        if (s == ":memory:") return new InMemoryStudyStorage();
        if (PostgresConnectionText.Looks(s)) return new PostgresStudyStorage(s);
        if (IsSqliteConnectionString(s)) return SqliteStudyStorage.FromConnectionString(s);
        if (IsSqlitePath(s)) return new SqliteStudyStorage(s);
        throw new ArgumentException($"SweepOptions.Storage {Shown(s)} is not a storage Attune knows. Expected {AcceptedForms}.", "options");
    }

    /// <summary>
    /// As <see cref="Open"/>, but null where the storage is a SQLite file that does not exist (nothing is created: a
    /// listing or a load must not leave an empty study file behind), or ":memory:" (a new one holds no study).
    /// </summary>
    internal static IStudyStorage? OpenExisting(string? storage)
    {
        string s = (storage ?? DefaultFile).Trim();
        if (s == ":memory:") return null;
        string? file = IsSqliteConnectionString(s) ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(s).DataSource
            : !PostgresConnectionText.Looks(s) && IsSqlitePath(s) ? s : null;
        return file is not null && !System.IO.File.Exists(file) ? null : Open(storage);
    }

    private static bool IsSqliteConnectionString(string s)
        => s.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase) || s.StartsWith("DataSource=", StringComparison.OrdinalIgnoreCase) || s.StartsWith("Filename=", StringComparison.OrdinalIgnoreCase);

    private static bool IsSqlitePath(string s)
        => s.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || s.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase) || s.EndsWith(".sqlite3", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as a message may show it: anything that looks like a connection string or URL is redacted.</summary>
    internal static string Shown(string storage)
        => storage.IndexOfAny(['=', ';', '@']) >= 0 || storage.Contains("://", StringComparison.Ordinal)
            ? "(value not shown: it looks like a connection string, which may hold a password)"
            : $"\"{storage}\"";
}
