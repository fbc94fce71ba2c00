using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Attune.Search;

namespace Attune.Cli;

/// <summary>
/// <c>--storage</c>: where the studies are, in every form <see cref="SweepOptions.Storage"/> accepts; else the
/// environment variable ATTUNE_STORAGE; else the library's default file (attune-studies.db in the working directory).
/// </summary>
internal static class StorageOption
{
    public const string Name = "--storage";
    public const string Variable = "ATTUNE_STORAGE";

    public static Option<string?> Create() => new(Name, "-s")
    {
        Description = $"The study storage: a SQLite file (.db, .sqlite, .sqlite3), \"Data Source=<file>\", or a PostgreSQL connection string " +
                      $"(\"Host=…;Username=…;Password=…;Database=…\" or \"postgres://user:password@host:port/db\"). Default: ${Variable}, else {StudyStorage.DefaultFile} in the working directory.",
        Recursive = true,
        HelpName = "path|connection string",
    };

    /// <summary>The storage value in effect: the option, the environment variable, or null (the library's default file).</summary>
    public static string? Value(ParseResult parsed, CliContext cli)
        => parsed.GetValue<string?>(Name) is { Length: > 0 } given ? given
         : cli.Environment(Variable) is { Length: > 0 } env ? env
         : null;

    /// <summary>Opens the storage without creating anything. A SQLite file that does not exist, or ":memory:", is a
    /// failure that says which file was looked for; a value of no known form is the library's message.</summary>
    public static IStudyStorage Open(ParseResult parsed, CliContext cli)
    {
        string? value = Value(parsed, cli);
        IStudyStorage? storage;
        // A file by its full path, so every message says where it looked (the library would open the same file).
        try { storage = StudyStorage.OpenExisting(IsPlainPath(value) ? Path.GetFullPath(value ?? StudyStorage.DefaultFile) : value); }
        catch (ArgumentException e) { throw new CliException(e.Message.Replace("SweepOptions.Storage", Source(parsed, cli), StringComparison.Ordinal).Replace(" (Parameter 'options')", "", StringComparison.Ordinal)); }
        if (storage is not null) return storage;
        if (value?.Trim() == ":memory:")
            throw new CliException($"{Source(parsed, cli)} is \":memory:\", a storage that exists only inside the program that runs a sweep; expected a SQLite file or a PostgreSQL connection string.");
        throw new CliException($"No study storage at {Describe(value)}: the SQLite file does not exist (given by {Source(parsed, cli)}). " +
                               $"Expected an existing study file or a PostgreSQL connection string in {Name} or ${Variable}.");
    }

    /// <summary>Null (the default file) or a file path, as opposed to a connection string, URL or ":memory:".</summary>
    private static bool IsPlainPath(string? value)
        => value is null || (value.Trim() != ":memory:" && value.IndexOfAny(['=', ';']) < 0 && !value.Contains("://", StringComparison.Ordinal));

    /// <summary>Where the value came from, for messages.</summary>
    public static string Source(ParseResult parsed, CliContext cli)
        => parsed.GetValue<string?>(Name) is { Length: > 0 } ? Name
         : cli.Environment(Variable) is { Length: > 0 } ? "$" + Variable
         : $"the default ({StudyStorage.DefaultFile} in the working directory)";

    /// <summary>A SQLite value as its full path (a "Data Source=" string by its file only; it may hold a password).</summary>
    private static string Describe(string? value)
    {
        string s = (value ?? StudyStorage.DefaultFile).Trim();
        string file = s.Contains('=', StringComparison.Ordinal)
            ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(s).DataSource
            : s;
        return $"'{Path.GetFullPath(file)}'";
    }
}
