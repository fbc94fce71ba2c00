using Attune.Search;

namespace Attune.Reports.Tests;

/// <summary>The study report from a real sweep: a SQLite study with TPE and ASHA (so some trials are pruned).</summary>
public class StudyReportTests(ITestOutputHelper output)
{
    internal static string RunSweep(string file, int trials = 60)
    {
        var options = Knobs.DefaultSweepOptions with { Storage = file, StudyName = "knobs", Trials = trials, Sampler = Sampler.Tpe, Pruner = Pruner.Asha, Seed = 7 };
        var result = Sweep.Run<Knobs>(t => Knobs.Objective(t), options);
        Assert.Contains(result.Trials, t => t.State == TrialState.Pruned);
        return file;
    }

    [Fact]
    public void A_report_of_a_sweep_with_pruned_trials_is_one_file_with_its_data_and_no_address_to_fetch()
    {
        using var dir = new TempDir();
        string db = RunSweep(dir.File("study.db"));
        string html = dir.File("report.html");
        StudyReport.Write(db, "knobs", html);

        string text = File.ReadAllText(html);
        output.WriteLine($"study report: {new FileInfo(html).Length / 1024} KiB, plotly.js {PlotlyScript.Version}");
        Assert.Contains("plotly.js v" + PlotlyScript.Version, text);
        // Everything inline: no script, style or image is fetched (plotly.js's own text mentions URLs, never loaded).
        Assert.DoesNotContain("<script src", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", text, StringComparison.OrdinalIgnoreCase);
        // plotly.js's own text holds defaults such as https://cdn.plot.ly/ for map charts, which a report never draws;
        // outside it, no address at all (the browser test checks that nothing is requested).
        string ours = text.Replace(PlotlyScript.Text, "", StringComparison.Ordinal);
        Assert.DoesNotContain("http://", ours, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", ours, StringComparison.OrdinalIgnoreCase);
        foreach (var id in new[] { "\"history\"", "\"importance\"", "\"parallel\"", "\"slices\"", "\"intermediate\"", "\"trials\"" }) Assert.Contains(id, text);
        Assert.Contains("Pruned", text);
    }

    [Fact]
    public void The_extension_on_a_sweep_result_writes_the_same_study()
    {
        using var dir = new TempDir();
        var options = Knobs.DefaultSweepOptions with { Storage = dir.File("s.db"), StudyName = "ext", Trials = 8, Sampler = Sampler.Random };
        var result = Sweep.Run<Knobs>(t => Knobs.Objective(t, epochs: 2), options);
        result.WriteReport(dir.File("r.html"), options.Storage);
        Assert.Contains("Study ext", File.ReadAllText(dir.File("r.html")));
    }

    [Fact]
    public void A_missing_study_says_which_studies_there_are_and_a_missing_file_creates_nothing()
    {
        using var dir = new TempDir();
        string db = dir.File("study.db");
        Sweep.Run<Knobs>(t => Knobs.Objective(t, epochs: 1), Knobs.DefaultSweepOptions with { Storage = db, StudyName = "real", Trials = 3, Sampler = Sampler.Random });

        var ex = Assert.Throws<InvalidOperationException>(() => StudyReport.Write(db, "typo", dir.File("r.html")));
        Assert.Equal($"No study named 'typo' in {db}: expected a study a sweep created there, found only 'real'.", ex.Message);

        string absent = dir.File("absent.db");
        var none = Assert.Throws<InvalidOperationException>(() => StudyReport.Write(absent, "real", dir.File("r.html")));
        Assert.Contains("found no study at all", none.Message);
        Assert.False(File.Exists(absent));
        Assert.False(File.Exists(dir.File("r.html")));
    }
}
