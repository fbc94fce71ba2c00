using System.Text.Json;
using Attune.Search;
using Attune.Search.PostgreSql;
using Npgsql;

namespace Attune.Cli.Tests;

/// <summary>
/// The commands against a PostgreSQL study written by a real sweep: the server in ATTUNE_TEST_POSTGRES
/// (tests/postgres/start-cluster.sh, then `source &lt;folder&gt;/env`). Skipped without it, except under CI=true, where
/// a missing server fails the test (as Attune.Study.Tests does).
/// </summary>
public sealed class PostgresTests
{
    private static string ConnectionString
    {
        get
        {
            string? cs = Environment.GetEnvironmentVariable("ATTUNE_TEST_POSTGRES");
            if (string.IsNullOrWhiteSpace(cs))
            {
                const string why = "No PostgreSQL server: ATTUNE_TEST_POSTGRES is not set. Start one with tests/postgres/start-cluster.sh and `source <folder>/env`.";
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException("CI must run the PostgreSQL tests. " + why);
                Skip.If(true, why);
            }
            return cs!;
        }
    }

    private static void Exec(string cs, string sql)
    {
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    [SkippableFact]
    public async Task Every_command_works_on_a_PostgreSQL_study_and_no_output_holds_the_password()
    {
        string admin = ConnectionString;
        string schema = "attune_cli_" + Guid.NewGuid().ToString("N")[..10];
        Exec(admin, $"CREATE SCHEMA {schema}");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema };
            string storage = builder.ConnectionString;
            string password = builder.Password!;
            Assert.False(string.IsNullOrEmpty(password));
            PostgresStudyStorage.Register();
            var demo = StudyMaker.Fill(storage);
            string location = $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";

            var all = new List<CliRun>();
            async Task<CliRun> Run(params string[] args)
            {
                var run = await Cli.Run(["--storage", storage, .. args]);
                all.Add(run);
                return run;
            }

            var studies = await Run("studies", "--json");
            Assert.True(studies.Code == 0, studies.ToString());
            var root = JsonDocument.Parse(studies.Out).RootElement;
            Assert.Equal(location, root.GetProperty("storage").GetString());
            Assert.Equal(["demo", "other"], root.GetProperty("studies").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

            var text = await Run("studies");
            Assert.Contains($"2 studies in {location}", text.Out);

            var show = await Run("show", "demo");
            Assert.True(show.Code == 0, show.ToString());
            Assert.Contains($"Best trial #{demo.Best.Number}", show.Out);

            var trials = await Run("trials", "demo", "--state", "complete", "--sort", "value", "--limit", "2", "--json");
            var numbers = JsonDocument.Parse(trials.Out).RootElement.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32());
            Assert.Equal(demo.Trials.Where(t => t.State == TrialState.Complete).OrderBy(t => t.Value).Take(2).Select(t => t.Number), numbers);

            var csv = await Run("export", "demo", "--format", "csv");
            Assert.Equal(demo.Trials.Count + 1, csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

            string html = Path.Combine(Path.GetTempPath(), $"attune-cli-pg-{Guid.NewGuid():N}.html");
            try
            {
                var report = await Run("report", "demo", "-o", html);
                Assert.True(report.Code == 0, report.ToString());
                Assert.Contains($"Wrote the report of study 'demo' ({demo.Trials.Count} trials, {location}) to {html}.", report.Out);
                Assert.Contains("<html", File.ReadAllText(html));
            }
            finally { File.Delete(html); }

            var missing = await Run("show", "nope");
            Assert.Equal(1, missing.Code);
            Assert.Contains($"No study named 'nope' in {location}", missing.Err);

            var refused = await Run("delete", "other");
            Assert.Equal(2, refused.Code);
            var deleted = await Run("delete", "other", "--yes");
            Assert.True(deleted.Code == 0, deleted.ToString());
            Assert.Equal(["demo"], Studies.List(storage).Select(s => s.Name));

            foreach (var run in all)
            {
                Assert.DoesNotContain(password, run.Out + run.Err);
                Assert.DoesNotContain("Password", run.Out + run.Err, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            Exec(admin, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }
}
