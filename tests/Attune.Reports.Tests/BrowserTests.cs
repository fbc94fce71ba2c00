using System.Diagnostics;
using Attune.Search;

namespace Attune.Reports.Tests;

/// <summary>
/// Both reports in a real headless Chromium: the page loads with no console or page error and requests nothing beyond
/// its own file, every chart's container holds drawn plotly content, and a screenshot is kept (bin/…/artifacts; with
/// ATTUNE_REFRESH_DOC_IMAGES=1 the study one is copied to docs/images/study-report.png). At 10,000 trials: file size and time to draw, printed.
/// </summary>
[Trait("Category", "Browser")]
public class BrowserTests(ITestOutputHelper output)
{
    private static void AssertRendered(PageCheck check, params string[] charts)
    {
        Assert.Empty(check.Errors);
        Assert.Empty(check.Requests);
        Assert.Equal(charts, check.Charts.Select(c => c.Id));
        foreach (var c in check.Charts)
        {
            Assert.True(c.Traces > 0, $"{c.Id}: plotly drew no trace");
            Assert.True(c.Svg > 0, $"{c.Id}: no SVG layer");
            Assert.True(c.DrawnCanvases > 0 || c.SvgMarks > 0, $"{c.Id}: neither a drawn WebGL canvas nor SVG marks ({c})");
        }
        // The first table sorts on a click (ascending, blanks last) and holds at most one page of rows.
        Assert.InRange(check.Table.RowsInDom, 1, 50);
        Assert.Equal(check.Table.SortedColumn.Order(), check.Table.SortedColumn);
    }

    [SkippableFact]
    public async Task The_study_report_draws_every_chart_with_no_console_error_and_fetches_nothing()
    {
        Browser.RequireChromium();
        using var dir = new TempDir();
        string db = StudyReportTests.RunSweep(dir.File("study.db"), trials: 80);
        string html = dir.File("study.html");
        StudyReport.Write(db, "knobs", html);

        var check = await Browser.Open(html, "study-report.png");
        foreach (var c in check.Charts) output.WriteLine(c.ToString());
        output.WriteLine($"study report (80 trials): {new FileInfo(html).Length / 1024} KiB, ready in {check.Ready.TotalMilliseconds:0} ms, screenshot {check.Screenshot}");
        AssertRendered(check, "history", "importance", "parallel", "slices", "intermediate");
        File.Copy(html, Path.Combine(Artifacts.Directory, "study-report.html"), overwrite: true);
        // The README's picture is refreshed on request only, so a test run leaves the work tree as it was.
        if (Environment.GetEnvironmentVariable("ATTUNE_REFRESH_DOC_IMAGES") == "1" && Artifacts.RepositoryRoot() is { } root)
        {
            Directory.CreateDirectory(Path.Combine(root, "docs", "images"));
            File.Copy(check.Screenshot, Path.Combine(root, "docs", "images", "study-report.png"), overwrite: true);
        }
    }

    [SkippableFact]
    public async Task The_run_report_draws_every_chart_with_no_console_error_and_fetches_nothing()
    {
        Browser.RequireChromium();
        using var dir = new TempDir();
        string html = dir.File("run.html");
        RunReport.Write(RunReportTests.WriteRecord(dir.File("run")), html);

        var check = await Browser.Open(html, "run-report.png");
        foreach (var c in check.Charts) output.WriteLine(c.ToString());
        output.WriteLine($"run report: {new FileInfo(html).Length / 1024} KiB, ready in {check.Ready.TotalMilliseconds:0} ms, screenshot {check.Screenshot}");
        AssertRendered(check, "step-loss", "epoch-metric", "learning-rate");
        File.Copy(html, Path.Combine(Artifacts.Directory, "run-report.html"), overwrite: true);
    }

    [SkippableFact]
    public async Task Ten_thousand_trials_stay_usable()
    {
        Browser.RequireChromium();
        using var dir = new TempDir();
        // A real sweep (random sampler, ASHA pruning, 3 reported epochs a trial) into an in-memory study.
        using var storage = new InMemoryStudyStorage();
        var clock = Stopwatch.StartNew();
        var options = Knobs.DefaultSweepOptions with { StudyName = "big", Trials = 10_000, Sampler = Sampler.Random, Pruner = Pruner.Asha, MaxFailedTrials = 0 };
        var result = Sweep.Run<Knobs>(t => Knobs.Objective(t, epochs: 3), options, sampler: null, storage: storage);
        var sweepTime = clock.Elapsed;
        clock.Restart();
        string html = dir.File("big.html");
        StudyReport.Write(storage, "big", html);
        var writeTime = clock.Elapsed;

        var check = await Browser.Open(html, "study-report-10000.png", timeoutMs: 180_000, fullPage: false);
        long size = new FileInfo(html).Length;
        output.WriteLine($"10,000 trials: table {check.Table.Pager}, {check.Table.RowsInDom} rows in the DOM, sorted by value in {check.Table.SortMs:0} ms");
        output.WriteLine($"10,000 trials ({result.Trials.Count} stored, {result.Trials.Count(t => t.State == TrialState.Pruned)} pruned): " +
            $"file {size / 1024.0 / 1024.0:0.0} MiB, written in {writeTime.TotalMilliseconds:0} ms, ready in Chromium in {check.Ready.TotalMilliseconds:0} ms (sweep took {sweepTime.TotalSeconds:0.0} s)");
        AssertRendered(check, "history", "importance", "parallel", "slices", "intermediate");
        Assert.True(size < 40L * 1024 * 1024, $"the page is {size} bytes");
        Assert.True(check.Ready < TimeSpan.FromSeconds(60), $"drawing took {check.Ready}");
        Assert.Equal(50, check.Table.RowsInDom);
        Assert.Contains("of 10000", check.Table.Pager);
        Assert.True(check.Table.SortMs < 2000, $"sorting 10,000 rows took {check.Table.SortMs} ms");
    }
}
