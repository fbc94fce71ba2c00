using System.Text.Json;
using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary>studies, show, trials and export against a SQLite study written by a real sweep.</summary>
public sealed class StudyCommandTests(StudyFixture fixture) : IClassFixture<StudyFixture>
{
    private string[] Args(params string[] args) => ["--storage", fixture.File, .. args];

    private static JsonElement Json(CliRun run)
    {
        Assert.True(run.Code == 0, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement;
    }

    private CompletedTrial<CliSpace> Best => fixture.Demo.Best;

    [Fact]
    public async Task Studies_lists_every_study_with_trials_by_state_best_value_and_direction()
    {
        var run = await Cli.Run(Args("studies"));
        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal("", run.Err);
        Assert.Contains($"2 studies in SQLite file '{fixture.File}'", run.Out);
        var lines = run.Out.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("STUDY", StringComparison.Ordinal) && l.Contains("LAST UPDATE", StringComparison.Ordinal));
        string demo = Assert.Single(lines, l => l.StartsWith("demo ", StringComparison.Ordinal));
        var t = fixture.Demo.Trials;
        var cells = demo.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray();
        Assert.Equal(t.Count.ToString(), cells[1]);
        Assert.Equal(t.Count(x => x.State == TrialState.Complete).ToString(), cells[2]);
        Assert.Equal(t.Count(x => x.State == TrialState.Pruned).ToString(), cells[3]);
        Assert.Equal("1", cells[4]);
        Assert.Equal("0", cells[5]);
        Assert.Equal($"{Best.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} (#{Best.Number})", cells[6]);
        Assert.Equal("minimize", cells[7]);
        Assert.Contains(lines, l => l.StartsWith("other ", StringComparison.Ordinal) && l.Contains("maximize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Studies_json_parses_and_matches_the_sweep()
    {
        var root = Json(await Cli.Run(Args("studies", "--json")));
        Assert.Equal($"SQLite file '{fixture.File}'", root.GetProperty("storage").GetString());
        var studies = root.GetProperty("studies").EnumerateArray().ToList();
        Assert.Equal(["demo", "other"], studies.Select(s => s.GetProperty("name").GetString()));
        var demo = studies[0];
        Assert.Equal(fixture.Demo.Trials.Count, demo.GetProperty("trials").GetInt32());
        Assert.Equal(fixture.Demo.Trials.Count(t => t.State == TrialState.Pruned), demo.GetProperty("pruned").GetInt32());
        Assert.Equal(1, demo.GetProperty("failed").GetInt32());
        Assert.Equal(fixture.Demo.Best.Number, demo.GetProperty("best_trial").GetInt32());
        Assert.Equal(fixture.Demo.Best.Value, demo.GetProperty("best_value").GetDouble());
        Assert.Equal("maximize", studies[1].GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Show_gives_the_best_trial_with_natural_values_the_counts_and_the_space()
    {
        var run = await Cli.Run(Args("show", "demo"));
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"Study 'demo' in SQLite file '{fixture.File}'", run.Out);
        Assert.Contains("direction    minimize", run.Out);
        Assert.Contains($"Best trial #{Best.Number}: value {Best.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}", run.Out);
        Assert.Contains($"  Layers     {Best.Parameters.Layers}", run.Out);
        Assert.Contains($"  Opt        {Best.Parameters.Opt}", run.Out);
        Assert.Contains("Space (4 parameters):", run.Out);
        Assert.Matches(@"  Momentum\s+float\s+\[0, 0\.9\]\s+linear\s+-\s+Opt in \{sgd\}", run.Out);
        Assert.Matches(@"  Layers\s+int\s+\[1, 8\]\s+linear\s+1\s+always", run.Out);
        Assert.Matches(@"  Opt\s+categorical\s+\{adam, sgd\}", run.Out);
        Assert.Contains(CliSpace.Space.Fingerprint, run.Out);
        // The settings the study was first run with, as the sweep recorded them (the demo sweep passes its own pruner).
        Assert.Contains("settings     sampler Random, pruner OddPruner, seed 5 (as first run)", run.Out);
    }

    [Fact]
    public async Task Show_json_parses_with_best_params_in_natural_types()
    {
        var root = Json(await Cli.Run(Args("show", "demo", "--json")));
        Assert.Equal("sampler Random, pruner OddPruner, seed 5", root.GetProperty("settings").GetString());
        var best = root.GetProperty("best");
        Assert.Equal(Best.Number, best.GetProperty("number").GetInt32());
        Assert.Equal(Best.Value, best.GetProperty("value").GetDouble());
        var p = best.GetProperty("params");
        Assert.Equal(Best.Parameters.X, p.GetProperty("X").GetDouble());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("Layers").ValueKind);
        Assert.Equal(Best.Parameters.Layers, p.GetProperty("Layers").GetInt32());
        Assert.Equal(Best.Parameters.Opt, p.GetProperty("Opt").GetString());
        Assert.Equal(CliSpace.Space.Fingerprint, root.GetProperty("fingerprint").GetString());
        Assert.Equal(fixture.Demo.Trials.Count, root.GetProperty("trials").GetProperty("total").GetInt32());
        var space = root.GetProperty("space").EnumerateArray().ToList();
        Assert.Equal(["X", "Layers", "Opt", "Momentum"], space.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("sgd", space[3].GetProperty("active_when").GetProperty("in")[0].GetString());
    }

    [Fact]
    public async Task Trials_filters_by_state()
    {
        var pruned = fixture.Demo.Trials.Where(t => t.State == TrialState.Pruned).Select(t => t.Number).ToList();
        Assert.NotEmpty(pruned);
        var root = Json(await Cli.Run(Args("trials", "demo", "--state", "pruned", "--json")));
        Assert.Equal(pruned, root.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
        Assert.All(root.GetProperty("trials").EnumerateArray(), t => Assert.Equal("pruned", t.GetProperty("state").GetString()));

        var both = Json(await Cli.Run(Args("trials", "demo", "--state", "failed", "--state", "pruned", "--json")));
        Assert.Equal(pruned.Append(StudyMaker.FailingTrial).Order(), both.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
        var failed = both.GetProperty("trials").EnumerateArray().Single(t => t.GetProperty("state").GetString() == "failed");
        Assert.Contains("diverged, on purpose", failed.GetProperty("error").GetString());
        Assert.Equal("error", failed.GetProperty("failure").GetString());
    }

    [Fact]
    public async Task Trials_sorts_by_value_either_way_with_valueless_trials_last_and_limits()
    {
        var byValue = fixture.Demo.Trials.Where(t => t.Value is not null).OrderBy(t => t.Value).Select(t => t.Number).ToList();
        var root = Json(await Cli.Run(Args("trials", "demo", "--sort", "value", "--limit", "3", "--json")));
        Assert.Equal(byValue.Take(3), root.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));

        var desc = Json(await Cli.Run(Args("trials", "demo", "--sort", "value", "--desc", "--json")));
        var numbers = desc.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).ToList();
        Assert.Equal(fixture.Demo.Trials.Count, numbers.Count);
        Assert.Equal(Enumerable.Reverse(byValue), numbers.Take(byValue.Count));
        Assert.Equal(StudyMaker.FailingTrial, numbers[^1]); // no value: last, also in descending order

        var byDuration = Json(await Cli.Run(Args("trials", "demo", "--sort", "duration", "--json")));
        var durations = byDuration.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("duration_seconds").GetDouble()).ToList();
        Assert.Equal(durations.Order(), durations);
    }

    [Fact]
    public async Task Trials_text_has_a_row_per_trial_with_natural_values_and_inactive_as_dash()
    {
        var run = await Cli.Run(Args("trials", "demo"));
        Assert.True(run.Code == 0, run.ToString());
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Matches(@"^#\s+STATE\s+VALUE\s+DURATION\s+X\s+Layers\s+Opt\s+Momentum\s+ERROR$", lines[0]);
        Assert.Equal(fixture.Demo.Trials.Count + 1, lines.Length);
        foreach (var t in fixture.Demo.Trials)
        {
            string line = Assert.Single(lines, l => l.StartsWith(t.Number + " ", StringComparison.Ordinal));
            Assert.Contains(" " + t.State.ToString().ToLowerInvariant(), line);
            Assert.Contains("  " + t.Parameters.Opt + "  ", line);
            if (t.Parameters.Opt == "adam") Assert.Matches(@"\s-(\s|$)", line);
        }
        Assert.Contains("diverged, on purpose", run.Out);
    }

    [Fact]
    public async Task Export_writes_what_the_runtime_exporter_writes_for_the_typed_result()
    {
        string typedCsv = Path.Combine(fixture.Directory, "typed-" + Guid.NewGuid().ToString("N")[..6] + ".csv");
        string typedJson = Path.ChangeExtension(typedCsv, ".json");
        // The program's own view of the study, reloaded (durations as stored, the same as the tool reads).
        var loaded = Studies.Load<CliSpace>(CliSpace.DefaultSweepOptions with { Storage = fixture.File, StudyName = "demo" })!;
        loaded.ExportCsv(typedCsv);
        loaded.ExportJson(typedJson);

        var csv = await Cli.Run(Args("export", "demo", "--format", "csv"));
        Assert.True(csv.Code == 0, csv.ToString());
        Assert.Equal(File.ReadAllText(typedCsv), csv.Out);
        Assert.StartsWith("number,state,value,duration_seconds,X,Layers,Opt,Momentum,error\r\n", csv.Out);

        var json = await Cli.Run(Args("export", "demo", "--format", "json"));
        Assert.True(json.Code == 0, json.ToString());
        Assert.Equal(File.ReadAllText(typedJson).TrimEnd(), json.Out.TrimEnd());
        Assert.Equal(fixture.Demo.Trials.Count, JsonDocument.Parse(json.Out).RootElement.GetArrayLength());

        string file = Path.Combine(fixture.Directory, "out-" + Guid.NewGuid().ToString("N")[..6] + ".csv");
        var toFile = await Cli.Run(Args("export", "demo", "-f", "csv", "-o", file));
        Assert.True(toFile.Code == 0, toFile.ToString());
        Assert.Equal("", toFile.Out);
        Assert.Contains($"Wrote {fixture.Demo.Trials.Count} trials of 'demo' to {file}", toFile.Err);
        Assert.Equal(File.ReadAllText(typedCsv), File.ReadAllText(file));
    }

    [Fact]
    public async Task The_storage_comes_from_ATTUNE_STORAGE_when_no_option_is_given()
    {
        var run = await Cli.Run(["studies"], environment: new Dictionary<string, string> { ["ATTUNE_STORAGE"] = fixture.File });
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains("2 studies in", run.Out);
    }

    [Fact]
    public async Task A_missing_study_is_exit_1_naming_the_study_the_storage_and_what_it_holds()
    {
        foreach (var command in new[] { "show", "trials", "export", "delete" })
        {
            string[] args = command == "export" ? Args(command, "nope", "--format", "csv") : Args(command, "nope");
            var run = await Cli.Run(args);
            Assert.True(run.Code == 1, run.ToString());
            Assert.Equal("", run.Out);
            Assert.Contains($"No study named 'nope' in SQLite file '{fixture.File}'; it holds 2 studies: 'demo', 'other'", run.Err);
        }
    }

    [Theory]
    [InlineData("studies", "--bogus")]
    [InlineData("trials", "demo", "--state", "finished")]
    [InlineData("trials", "demo", "--sort", "speed")]
    [InlineData("trials", "demo", "--limit", "0")]
    [InlineData("trials", "demo", "--limit", "many")]
    [InlineData("export", "demo")]
    [InlineData("export", "demo", "--format", "xml")]
    [InlineData("show")]
    [InlineData("frobnicate")]
    [InlineData]
    public async Task Usage_errors_are_exit_2_on_standard_error(params string[] args)
    {
        var run = await Cli.Run(Args(args));
        Assert.True(run.Code == 2, run.ToString());
        Assert.Equal("", run.Out);
        Assert.Contains("--help' for usage.", run.Err);
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var run = await Cli.Run(["--help"]);
        Assert.True(run.Code == 0, run.ToString());
        foreach (var command in new[] { "studies", "show", "trials", "export", "delete", "run", "--storage" })
            Assert.Contains(command, run.Out);
        var trials = await Cli.Run(["trials", "--help"]);
        Assert.Contains("--sort", trials.Out);
        Assert.Contains("complete|pruned|failed|running", trials.Out);
    }

    [Fact]
    public async Task A_storage_file_that_does_not_exist_is_exit_1_and_is_not_created()
    {
        string missing = Path.Combine(fixture.Directory, "missing.db");
        var run = await Cli.Run(["--storage", missing, "studies"]);
        Assert.True(run.Code == 1, run.ToString());
        Assert.Contains($"No study storage at '{missing}': the SQLite file does not exist (given by --storage)", run.Err);
        Assert.False(File.Exists(missing));
    }
}
