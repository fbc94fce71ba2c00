using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary><c>attune report</c>: a study's or a run's HTML report, and the usage errors of its two forms.</summary>
public sealed class ReportCommandTests(StudyFixture fixture) : IClassFixture<StudyFixture>
{
    [Fact]
    public async Task A_study_report_is_written_as_one_self_contained_page()
    {
        string html = Path.Combine(fixture.Directory, "demo.html");
        var run = await Cli.Run(["--storage", fixture.File, "report", StudyMaker.Demo, "-o", html]);

        Assert.True(run.Code == 0, run.ToString());
        Assert.Equal($"Wrote the report of study 'demo' ({fixture.Demo.Trials.Count} trials, SQLite file '{fixture.File}') to {html}.", run.Out.TrimEnd());
        string page = File.ReadAllText(html);
        Assert.Contains("<html", page);
        Assert.DoesNotContain("<script src=", page);   // plotly.js inlined: the page opens offline
    }

    [Fact]
    public async Task A_run_report_is_written_from_the_run_record_of_a_checkpoint_directory()
    {
        string dir = Path.Combine(fixture.Directory, "run");
        Directory.CreateDirectory(dir);
        // A two-epoch record written by the run record's own writer, as a fine-tune's callback writes it.
        var writer = new RunRecordWriter(dir);
        writer.Start("Samples.Classifier", "Accuracy", Direction.Maximize, plannedEpochs: 2, plannedSteps: 4, [new RunParameterGroup("(default)", 1234, 1e-3, 0.01)]);
        for (int step = 1; step <= 4; step++)
        {
            writer.Step(step, epoch: (step + 1) / 2, loss: 1.0 / step, learningRate: 1e-3, skipped: false);
            if (step % 2 == 0) writer.Epoch(new RunEpoch(step / 2, 1.0 / step, 1.1 / step, 0.5 + step / 10.0, 1e-3, 2, TimeSpan.FromSeconds(1)));
        }
        writer.Finish(bestEpoch: 2, bestMetric: 0.9, stopReason: "Completed", stopMessage: null);
        writer.Flush();
        string html = Path.Combine(fixture.Directory, "run.html");

        var run = await Cli.Run(["report", "--run", dir, "-o", html]);

        Assert.True(run.Code == 0, run.ToString());
        Assert.Contains($"Wrote the report of the run in {dir} to {html}.", run.Out);
        Assert.Contains("<html", File.ReadAllText(html));
    }

    [Theory]
    [InlineData(new[] { "report", "-o", "x.html" }, "attune report: name the study to report")]
    [InlineData(new[] { "report", "demo", "--run", "some-dir", "-o", "x.html" }, "attune report: give a study or --run, not both")]
    [InlineData(new[] { "report", "demo" }, "Option '--output' is required.")]
    public async Task A_report_without_what_to_report_or_where_is_a_usage_error(string[] args, string message)
    {
        var run = await Cli.Run(["--storage", fixture.File, .. args]);
        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Err);
        Assert.Contains("Run 'attune report --help' for usage.", run.Err);
    }

    [Fact]
    public async Task A_missing_study_or_run_record_fails_with_what_was_expected_and_where()
    {
        var study = await Cli.Run(["--storage", fixture.File, "report", "nope", "-o", Path.Combine(fixture.Directory, "n.html")]);
        Assert.Equal(1, study.Code);
        Assert.Contains($"No study named 'nope' in SQLite file '{fixture.File}'", study.Err);

        string empty = Path.Combine(fixture.Directory, "empty-run");
        Directory.CreateDirectory(empty);
        var record = await Cli.Run(["report", "--run", empty, "-o", Path.Combine(fixture.Directory, "e.html")]);
        Assert.Equal(1, record.Code);
        Assert.Contains("attune: No run record", record.Err);
    }
}
