using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using Npgsql;

namespace Attune.Search.PostgreSql;

/// <summary>Reading PostgreSQL connection strings ("Host=...;..." or "postgres://user:password@host:port/db?...").
/// Nothing here ever puts the text, or a password, into a message.</summary>
internal static class PostgresConnectionText
{
    /// <summary>True for the forms PostgreSQL storage accepts (see <see cref="StorageText.LooksLikePostgres"/>).</summary>
    public static bool Looks(string s) => StorageText.LooksLikePostgres(s);

    /// <summary>Parses either form into a builder.</summary>
    /// <exception cref="ArgumentException">The text could not be read; the message names the problem, not the text.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string text)
    {
        string s = text.Trim();
        if (s.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return FromUrl(s);
        try { return new NpgsqlConnectionStringBuilder(s); }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException("The PostgreSQL connection string could not be read (its text is not shown: it may hold a password). " +
                "Expected \"Host=<host>;Port=<port>;Username=<user>;Password=<password>;Database=<db>\" or \"postgres://user:password@host:port/db\".");
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string s)
    {
        Uri uri;
        try { uri = new Uri(s); }
        catch (UriFormatException)
        {
            throw new ArgumentException("The PostgreSQL URL could not be read (its text is not shown: it may hold a password). Expected \"postgres://user:password@host:port/database[?sslmode=require]\".");
        }
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) b.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':');
            b.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        string db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (db.Length > 0) b.Database = db;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            string mapped = key.ToLowerInvariant() switch
            {
                "sslmode" => "SSL Mode",
                "application_name" => "Application Name",
                "connect_timeout" => "Timeout",
                "options" => "Options",
                _ => key,
            };
            try { b[mapped] = value; }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new ArgumentException($"The PostgreSQL URL has a query parameter '{key}' that Npgsql does not accept (value not shown).");
            }
        }
        return b;
    }

    /// <summary>"PostgreSQL database 'db' on host:port": for messages; no user, no password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder b)
        => $"PostgreSQL database '{b.Database ?? b.Username ?? "(default)"}' on {b.Host}:{b.Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Retries an operation whose connection was lost (server restarted, network cut, too many connections, deadlock or
/// serialisation failure) with exponential backoff, up to a time limit; then throws
/// <see cref="StudyStorageUnavailableException"/>. Every operation retried here is written to be safe to repeat.
/// </summary>
internal sealed class PostgresRetry
{
    /// <summary>Environment variable overriding <see cref="Limit"/>, in seconds.</summary>
    public const string LimitVariable = "ATTUNE_POSTGRES_RETRY_SECONDS";

    public PostgresRetry(string location, Action onBroken, string? user = null)
    {
        this.location = location;
        this.user = user;
        this.onBroken = onBroken;
        string? text = Environment.GetEnvironmentVariable(LimitVariable);
        Limit = text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(60);
    }

    private readonly string location;
    private readonly string? user;
    private readonly Action onBroken;

    /// <summary>How long one operation keeps retrying (default 60 s).</summary>
    public TimeSpan Limit { get; set; }

    public T Run<T>(string what, Func<T> body)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(100);
        int attempts = 0;
        while (true)
        {
            attempts++;
            try { return body(); }
            catch (PostgresException e) when (e.SqlState.StartsWith("28", StringComparison.Ordinal) || e.SqlState == "3D000")
            {
                // Not worth a retry, and Npgsql's text names neither the server nor the database.
                throw new InvalidOperationException(Refused(what, e), e);
            }
            catch (Exception e) when (IsUnknownHost(e))
            {
                throw new InvalidOperationException($"Could not {what} in {location}: the host name does not resolve (\"{(e as SocketException ?? (SocketException)e.InnerException!).Message}\"). " +
                    "Check Host in SweepOptions.Storage (the connection string is not shown: it may hold a password).", e);
            }
            catch (Exception e) when (IsTransient(e))
            {
                onBroken();
                if (clock.Elapsed + delay > Limit)
                    throw new StudyStorageUnavailableException(
                        $"Could not {what} in {location}: the database was unreachable or kept failing for {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s " +
                        $"({attempts.ToString(CultureInfo.InvariantCulture)} attempts, limit {Limit.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; {PostgresRetry.LimitVariable} changes it). " +
                        $"Last error: {Summary(e)}. Completed trials already stored are kept; run the sweep again once the server is back and it resumes.", e);
                Thread.Sleep(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)));
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Why the server refused the connection, with where and as whom; never the password or the connection string.</summary>
    private string Refused(string what, PostgresException e)
    {
        string who = user is null ? "" : $" as user '{user}'";
        string fix = e.SqlState switch
        {
            "28P01" => "the server refused the password. Check Username and Password in SweepOptions.Storage (or the PGPASSWORD the process gets)",
            "3D000" => "that database does not exist. Create it (CREATE DATABASE) or name an existing one with Database=... in SweepOptions.Storage",
            _ => "the server does not let this user in from here (pg_hba.conf, or the role may not log in). Ask the database's administrator",
        };
        return $"Could not {what} in {location}{who}: {fix}. Server said: {e.SqlState}: {e.MessageText}. " +
            "(The connection string is not shown: it may hold a password.) Nothing was written; completed trials already stored are kept.";
    }

    private static string Summary(Exception e)
        => e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : $"{e.GetType().Name}: {e.Message}";

    private static bool IsUnknownHost(Exception e)
        => e is SocketException { SocketErrorCode: SocketError.HostNotFound } || e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound };

    /// <summary>Errors worth another try: connection failures, server shutdown/start-up, too many connections,
    /// deadlocks and serialisation failures.</summary>
    public static bool IsTransient(Exception e)
    {
        if (e is PostgresException pg)
            return pg.SqlState is "40001" or "40P01" or "53300" or "57P01" or "57P02" or "57P03" or "55P03" || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
        // A host name that does not resolve is a typo far more often than an outage: fail at once.
        if (IsUnknownHost(e)) return false;
        if (e is NpgsqlException n) return n.IsTransient || n.InnerException is IOException or SocketException or TimeoutException;
        return e is IOException or SocketException or TimeoutException && e is not StudyStorageUnavailableException;
    }
}
