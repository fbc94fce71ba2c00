using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Attune.Search;

/// <summary>
/// SQLite's errors as a user can act on them. SQLite's own texts ("unable to open database file", "database is locked",
/// "file is not a database") name neither the file nor a way out; each one here says which file, what happened, that
/// nothing already stored is lost, and what to do.
/// </summary>
internal static class SqliteErrors
{
    private const int Busy = 5, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    /// <summary>Whether <see cref="Explain"/> has something better to say than SQLite.</summary>
    public static bool Explains(SqliteException e) => e.SqliteErrorCode is Busy or ReadOnly or IoError or Corrupt or Full or CantOpen or NotADatabase;

    /// <summary>The exception to throw instead of <paramref name="e"/> (which becomes its inner exception).</summary>
    /// <param name="e">What SQLite threw.</param>
    /// <param name="location">The storage's description, e.g. "SQLite file '/x/study.db'".</param>
    /// <param name="file">The full path of the database file.</param>
    /// <param name="lockSeconds">How long a statement waits for another process's lock.</param>
    public static Exception Explain(SqliteException e, string location, string file, int lockSeconds)
    {
        const string Kept = "Every trial stored before it is kept";
        string folder = Path.GetDirectoryName(file) ?? file;
        return e.SqliteErrorCode switch
        {
            NotADatabase => new InvalidDataException(
                $"{location} is not a SQLite database (SQLite: \"file is not a database\"): it was written by something else, or is encrypted. " +
                "Attune left it untouched. Point SweepOptions.Storage at another path (a new study file is created there), or, if this should be " +
                "a study file, restore it from a backup.", e),
            Corrupt => new InvalidDataException(
                $"{location} is a damaged SQLite database (SQLite: \"database disk image is malformed\"). Attune left it untouched. Its completed " +
                $"trials may still be recoverable with SQLite's own tool: sqlite3 '{file}' .recover | sqlite3 '{file}.recovered.db', then point " +
                "SweepOptions.Storage at the recovered file; or point it at a new path to start a new study.", e),
            Busy => new IOException(
                $"{location} stayed locked by another connection for {lockSeconds} s (SQLite: \"database is locked\"): some program holds a write " +
                "transaction open on it (a sqlite3 shell or database browser with uncommitted changes, a backup tool). Close it and run the sweep " +
                $"again; it resumes. {Kept}.", e),
            ReadOnly => new IOException(
                $"{location} cannot be written by this process (SQLite: \"attempt to write a readonly database\"). Check the permissions of the file " +
                $"and of '{folder}' (SQLite also writes '{Path.GetFileName(file)}-wal' and '-shm' beside it), or point SweepOptions.Storage at a " +
                $"writable path. {Kept}.", e),
            Full => new IOException(
                $"{location}: the disk is full (SQLite: \"database or disk is full\"); the write that failed was rolled back. {Kept}. Free space " +
                $"on the disk that holds '{folder}' and run the sweep again: it resumes.", e),
            IoError => new IOException(
                $"{location}: the disk reported an I/O error (SQLite: \"disk I/O error\"); the write that failed was rolled back. {Kept}. Check " +
                $"the disk that holds '{folder}' (full, removed, a network share gone) and run the sweep again: it resumes.", e),
            CantOpen => new IOException(
                $"Could not open or create {location} (SQLite: \"unable to open database file\"): " +
                (Directory.Exists(file)
                    ? $"that path is a directory; expected a file path, e.g. '{Path.Combine(file, "study.db")}'."
                    : !Directory.Exists(folder)
                        ? $"the folder '{folder}' does not exist and could not be created."
                        : $"this process may not create or write files in '{folder}' (SQLite also creates '-wal' and '-shm' files beside the " +
                          "database). Check its permissions, or point SweepOptions.Storage at a writable path."), e),
            _ => e,
        };
    }
}
