using System;
using System.Collections.Generic;
using System.Threading;

namespace Attune.Search;

/// <summary>
/// A kind of study storage that another package adds (Attune.Search.PostgreSql adds PostgreSQL): it recognises the
/// <see cref="SweepOptions.Storage"/> values that name it and opens them. Registered once per process with
/// <see cref="StudyStorage.Register"/>; a package's generated module initializer does that for the projects that
/// reference it.
/// </summary>
public interface IStudyStorageProvider
{
    /// <summary>A name for messages and logs, e.g. "PostgreSQL".</summary>
    string Name { get; }

    /// <summary>True when <paramref name="storage"/> (trimmed, never null) is a value this provider opens.</summary>
    bool Recognises(string storage);

    /// <summary>Opens the storage <paramref name="storage"/> names; it may reach a server and throw what reaching it throws.</summary>
    IStudyStorage Open(string storage);
}

/// <summary>Opens the storage <see cref="SweepOptions.Storage"/> names.</summary>
public static class StudyStorage
{
    private static readonly object Gate = new();
    private static IStudyStorageProvider[] providers = [];

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
    /// any value a registered <see cref="IStudyStorageProvider"/> recognises → that provider's storage ("Host=..." or
    /// "postgres://..." → PostgreSQL, once Attune.Search.PostgreSql is referenced).
    /// </summary>
    /// <exception cref="ArgumentException">Any other form (the message lists the accepted ones; a value that may be a
    /// connection string is not repeated).</exception>
    /// <exception cref="InvalidOperationException">A PostgreSQL value while no provider for it is registered: the message
    /// names the package to add.</exception>
    public static IStudyStorage Open(string? storage)
    {
        if (storage is null) return new SqliteStudyStorage(DefaultFile);
        string s = storage.Trim();
        if (s == ":memory:") return new InMemoryStudyStorage();
        foreach (var provider in Volatile.Read(ref providers))
            if (provider.Recognises(s)) return provider.Open(s);
        if (StorageText.LooksLikePostgres(s))
            throw new InvalidOperationException(
                $"SweepOptions.Storage {Shown(s)} names a PostgreSQL study, but PostgreSQL storage is not in this program. " +
                "Add the package Attune.Search.PostgreSql to the project that runs the sweep (its generated initializer registers it), " +
                "or call Attune.Search.PostgreSql.PostgresStudyStorage.Register() before the sweep starts.");
        if (IsSqliteConnectionString(s)) return SqliteStudyStorage.FromConnectionString(s);
        if (IsSqlitePath(s)) return new SqliteStudyStorage(s);
        throw new ArgumentException($"SweepOptions.Storage {Shown(s)} is not a storage Attune knows. Expected {AcceptedForms}.", "options");
    }

    /// <summary>
    /// As <see cref="Open"/>, but null where the storage is a SQLite file that does not exist (nothing is created: a
    /// listing or a load must not leave an empty study file behind), or ":memory:" (a new one holds no study).
    /// </summary>
    public static IStudyStorage? OpenExisting(string? storage)
    {
        string s = (storage ?? DefaultFile).Trim();
        if (s == ":memory:") return null;
        string? file = IsSqliteConnectionString(s) ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(s).DataSource
            : !StorageText.LooksLikePostgres(s) && IsSqlitePath(s) ? s : null;
        return file is not null && !System.IO.File.Exists(file) ? null : Open(storage);
    }

    /// <summary>
    /// Adds a kind of storage that <see cref="Open"/> (and so every sweep and the study API) can open. Idempotent: a
    /// provider of a type already registered is ignored, so module initializers of several assemblies may all call it.
    /// Providers are asked in the order they were registered, before the SQLite forms.
    /// </summary>
    public static void Register(IStudyStorageProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Gate)
        {
            foreach (var known in providers)
                if (known.GetType() == provider.GetType()) return;
            Volatile.Write(ref providers, [.. providers, provider]);
        }
    }

    /// <summary>The providers registered so far, in order.</summary>
    public static IReadOnlyList<IStudyStorageProvider> Providers => Volatile.Read(ref providers);

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
