using Attune;
using Npgsql;

namespace Attune.Study.Tests;

/// <summary>
/// The PostgreSQL server the tests use: the connection string in ATTUNE_TEST_POSTGRES (tests/postgres/start-cluster.sh
/// starts a throwaway one and writes it; .ci/run always does). Without it the PostgreSQL tests are skipped, saying why —
/// except under CI (CI=true), where a missing server fails them.
/// </summary>
internal static class PostgresServer
{
    public const string Variable = "ATTUNE_TEST_POSTGRES";
    public const string RestartVariable = "ATTUNE_TEST_POSTGRES_RESTART";

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server's connection string; skips the test (fails it under CI) when there is none.</summary>
    public static string ConnectionString
    {
        get
        {
            string? cs = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(cs))
            {
                const string why = $"No PostgreSQL server: {Variable} is not set. Start one with tests/postgres/start-cluster.sh and `source <folder>/env`, or run .ci/run (which always does).";
                if (InCi) throw new InvalidOperationException("CI must run the PostgreSQL tests. " + why);
                Skip.If(true, why);
            }
            return cs!;
        }
    }

    /// <summary>The shell command that restarts the server; skips (fails under CI) when unknown.</summary>
    public static string RestartCommand
    {
        get
        {
            _ = ConnectionString;
            string? cmd = Environment.GetEnvironmentVariable(RestartVariable);
            if (string.IsNullOrWhiteSpace(cmd))
            {
                const string why = $"{RestartVariable} is not set, so this test cannot restart the server (tests/postgres/start-cluster.sh sets it).";
                if (InCi) throw new InvalidOperationException(why);
                Skip.If(true, why);
            }
            return cmd!;
        }
    }

    /// <summary>A fresh schema of its own for one test (dropped by <see cref="Drop"/>): the connection string with
    /// <c>Search Path</c> set to it.</summary>
    public static string NewSchema(out string schema)
    {
        string admin = ConnectionString;
        schema = "attune_t_" + Guid.NewGuid().ToString("N")[..12];
        using (var c = new NpgsqlConnection(Unpooled(admin)))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", c);
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString;
    }

    public static void Drop(string schema)
    {
        using var c = new NpgsqlConnection(Unpooled(ConnectionString));
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", c);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The tests' own connections are not pooled: after a server restart a pooled one would be dead.</summary>
    private static string Unpooled(string cs) => new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString;

    public static void Exec(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(Unpooled(connectionString));
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public static object? Scalar(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(Unpooled(connectionString));
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }
}

/// <summary>The PostgreSQL tests share one server (and one restarts it): they run one class at a time.</summary>
[CollectionDefinition("postgres", DisableParallelization = true)]
public sealed class PostgresCollection { }
