using System.Text.Json;
using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary>Studies as they are before and during a sweep: none at all, one with no trial, a trial still running.</summary>
public sealed class EdgeCaseTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "attune-cli-edge-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string file;

    public EdgeCaseTests()
    {
        Directory.CreateDirectory(directory);
        file = Path.Combine(directory, "studies.db");
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_study_without_trials_and_one_with_a_running_trial_show_what_they_have()
    {
        using (var storage = StudyStorage.Open(file))
        {
            storage.OpenStudy("empty", CliSpace.Space, Direction.Minimize);
            var busy = storage.OpenStudy("busy", CliSpace.Space, Direction.Minimize);
            var done = storage.CreateTrial(busy.Id, _ => [1.5, 2, 0, double.NaN]);
            storage.FinishTrial(new TrialOutcome(done.Id, TrialState.Complete, 0.25, null));
            storage.CreateTrial(busy.Id, _ => [2.5, 3, 1, 0.5]); // left Running
        }

        var studies = await Cli.Run(["--storage", file, "studies"]);
        Assert.True(studies.Code == 0, studies.ToString());
        Assert.Matches(@"empty\s+0\s+0\s+0\s+0\s+0\s+-\s+minimize", studies.Out);
        Assert.Matches(@"busy\s+2\s+1\s+0\s+0\s+1\s+0\.25 \(#0\)", studies.Out);

        var empty = await Cli.Run(["--storage", file, "show", "empty"]);
        Assert.True(empty.Code == 0, empty.ToString());
        Assert.Contains("Best trial: none yet (no trial completed).", empty.Out);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse((await Cli.Run(["--storage", file, "show", "empty", "--json"])).Out).RootElement.GetProperty("best").ValueKind);
        var none = await Cli.Run(["--storage", file, "trials", "empty"]);
        Assert.True(none.Code == 0, none.ToString());
        Assert.Contains("No trials match in study 'empty' (0 in all).", none.Out);

        var byDuration = await Cli.Run(["--storage", file, "trials", "busy", "--sort", "duration", "--desc", "--json"]);
        var trials = JsonDocument.Parse(byDuration.Out).RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([0, 1], trials.Select(t => t.GetProperty("number").GetInt32()));   // running: no duration, last
        Assert.Equal("running", trials[1].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, trials[1].GetProperty("finished").ValueKind);
        Assert.Equal(0.5, trials[1].GetProperty("params").GetProperty("Momentum").GetDouble());
        Assert.Equal(JsonValueKind.Null, trials[0].GetProperty("params").GetProperty("Momentum").ValueKind); // inactive for adam
    }

    [Fact]
    public async Task An_existing_file_without_studies_lists_none_and_memory_is_refused()
    {
        using (var storage = StudyStorage.Open(file)) storage.OpenStudy("gone", CliSpace.Space, Direction.Minimize);
        Assert.True(Studies.Delete(file, "gone"));
        var run = await Cli.Run(["--storage", file, "studies"]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal($"No studies in SQLite file '{file}'.\n", run.Out.ReplaceLineEndings("\n"));
        var json = await Cli.Run(["--storage", file, "studies", "--json"]);
        Assert.Equal(0, JsonDocument.Parse(json.Out).RootElement.GetProperty("studies").GetArrayLength());

        var memory = await Cli.Run(["--storage", ":memory:", "studies"]);
        Assert.True(memory.Code == 1, memory.ToString());
        Assert.Contains("\":memory:\", a storage that exists only inside the program that runs a sweep", memory.Err);
    }
}
