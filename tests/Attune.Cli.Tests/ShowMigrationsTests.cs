using System.Text.Json;
using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary><see cref="CliSpace"/> with X widened from [-5, 10] to [-5, 20].</summary>
public sealed record CliSpaceWider(double X, int Layers, string Opt, double Momentum) : ITuneSpace<CliSpaceWider>
{
    public static SearchSpace Space { get; } = new("CliSpace",
    [
        new ParameterSpec("X", ParameterKind.Float, -5, 20),
        .. CliSpace.Space.Parameters.Skip(1),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = CliSpace.DefaultSweepOptions;

    public static CliSpaceWider Decode(IReadOnlyList<double> v) => new(v[0], (int)v[1], CliSpace.Opts[(int)v[2]], double.IsNaN(v[3]) ? 0 : v[3]);

    public double[] Encode() => [X, Layers, Array.IndexOf(CliSpace.Opts, Opt), Opt == "sgd" ? Momentum : double.NaN];
}

/// <summary>`attune show` prints a study's recorded space migrations (text and JSON).</summary>
public sealed class ShowMigrationsTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), "attune-cli-migrate-" + Guid.NewGuid().ToString("N")[..10] + ".db");

    public void Dispose()
    {
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) if (File.Exists(f)) File.Delete(f);
    }

    [Fact]
    public async Task Show_prints_each_space_migration_with_its_fingerprints_and_changes()
    {
        var options = CliSpace.DefaultSweepOptions with { Storage = file, StudyName = "grow", Trials = 3, ConsoleProgress = false };
        Sweep.Run<CliSpace>(t => t.Parameters.X, options);
        Sweep.Run<CliSpaceWider>(t => t.Parameters.X, options with { Trials = 5, SpaceChange = SpaceChange.Widen });

        var run = await Cli.Run(["--storage", file, "show", "grow"]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("Space migrations (1):", run.Out);
        Assert.Contains($"fingerprint {CliSpace.Space.Fingerprint} -> {CliSpaceWider.Space.Fingerprint}", run.Out);
        Assert.Contains("    - X: widened from \"X: uniform [-5, 10]\" to \"X: uniform [-5, 20]\"", run.Out);

        var json = await Cli.Run(["--storage", file, "show", "grow", "--json"]);
        var migration = Assert.Single(JsonDocument.Parse(json.Out).RootElement.GetProperty("space_migrations").EnumerateArray());
        Assert.Equal(CliSpace.Space.Fingerprint, migration.GetProperty("old_fingerprint").GetString());
        Assert.Equal("X: widened from \"X: uniform [-5, 10]\" to \"X: uniform [-5, 20]\"", Assert.Single(migration.GetProperty("changes").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Show_of_a_study_never_migrated_prints_no_migration_section()
    {
        Sweep.Run<CliSpace>(t => t.Parameters.X, CliSpace.DefaultSweepOptions with { Storage = file, StudyName = "still", Trials = 2, ConsoleProgress = false });
        var run = await Cli.Run(["--storage", file, "show", "still"]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.DoesNotContain("Space migrations", run.Out);
    }
}
