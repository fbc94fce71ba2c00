using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary>delete: asks on a terminal, refuses without --yes when nobody can be asked, keeps the other studies.</summary>
public sealed class DeleteCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "attune-cli-del-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string file;
    private readonly int demoTrials;

    public DeleteCommandTests()
    {
        Directory.CreateDirectory(directory);
        file = Path.Combine(directory, "studies.db");
        // Failed trials do not count toward Trials = 12, so the study holds one more.
        demoTrials = StudyMaker.Fill(file).Trials.Count;
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private IReadOnlyList<string> Names() => Studies.List(file).Select(s => s.Name).ToList();

    [Fact]
    public async Task Without_yes_and_without_a_terminal_it_refuses_with_exit_2_and_deletes_nothing()
    {
        var run = await Cli.Run(["--storage", file, "delete", "demo"]);
        Assert.True(run.Code == 2, run.ToString());
        Assert.Contains("standard input is not a terminal", run.Err);
        Assert.Contains("Pass --yes", run.Err);
        Assert.Equal(["demo", "other"], Names());
    }

    [Fact]
    public async Task On_a_terminal_it_asks_and_a_no_deletes_nothing_with_exit_1()
    {
        var run = await Cli.Run(["--storage", file, "delete", "demo"], input: "n\n");
        Assert.True(run.Code == 1, run.ToString());
        Assert.Contains($"Delete study 'demo' and its {demoTrials} trials from SQLite file '{file}'? [y/N]", run.Err);
        Assert.Contains("Not deleted.", run.Err);
        Assert.Equal(["demo", "other"], Names());
    }

    [Fact]
    public async Task On_a_terminal_a_yes_deletes_the_study_and_keeps_the_others()
    {
        var run = await Cli.Run(["--storage", file, "delete", "demo"], input: "y\n");
        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"Deleted study 'demo' and its {demoTrials} trials", run.Out);
        Assert.Equal(["other"], Names());
    }

    [Fact]
    public async Task With_yes_it_deletes_without_asking()
    {
        var run = await Cli.Run(["--storage", file, "delete", "other", "--yes"]);
        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal("", run.Err);
        Assert.Equal(["demo"], Names());
        var again = await Cli.Run(["--storage", file, "delete", "other", "-y"]);
        Assert.True(again.Code == 1, again.ToString());
        Assert.Contains("No study named 'other'", again.Err);
    }
}
