using System.Text.RegularExpressions;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>
/// What a person running a sweep sees: a start line naming the study, its storage and whether it was created or resumed
/// with how many trials (so a rerun of a finished sweep says why nothing runs), then progress lines.
/// </summary>
public sealed class SweepConsoleTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private SweepOptions Options(int trials) => Knobs.DefaultSweepOptions with { Trials = trials, Storage = dir.File("studies.db"), StudyName = "knobs" };

    private static double Loss(Knobs k) => Math.Abs(Math.Log10(k.Lr) + 2) + k.Layers * 0.1;

    private static string[] Run(SweepOptions options)
    {
        var output = new StringWriter();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), options, new ConsoleSweepProgress(output, live: false, interval: TimeSpan.Zero));
        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void The_first_run_says_it_created_the_study_and_where_then_one_line_per_trial()
    {
        var lines = Run(Options(3));

        Assert.Equal($"Study 'knobs' in SQLite file '{Path.GetFullPath(dir.File("studies.db"))}': created; running until 3 are complete or pruned (3 to go).", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^\[1/3\] trial 0 complete [0-9.]+ \| best [0-9.]+ \(#0\) \| [0-9.]+ s/trial, ~\d+s left$", lines[1]);
        Assert.Matches(@"^\[3/3\] trial 2 complete [0-9.]+ \| best [0-9.]+ \(#\d\)$", lines[3]);
    }

    [Fact]
    public void A_rerun_of_a_finished_sweep_says_it_resumed_and_why_no_trial_runs()
    {
        Run(Options(3));
        var lines = Run(Options(3));

        Assert.Equal(
            $"Study 'knobs' in SQLite file '{Path.GetFullPath(dir.File("studies.db"))}': resumed with 3 trials (3 complete); it already has 3 complete or pruned trials, " +
            "so no trial runs (raise Trials or use another StudyName to run more).",
            Assert.Single(lines));

        var more = Run(Options(5));
        Assert.Equal($"Study 'knobs' in SQLite file '{Path.GetFullPath(dir.File("studies.db"))}': resumed with 3 trials (3 complete); running until 5 are complete or pruned (2 to go).", more[0]);
        Assert.StartsWith("[4/5] trial 3 complete ", more[1]);
    }

    [Fact]
    public void A_rerun_with_another_seed_or_sampler_is_told_and_continues_the_study()
    {
        Run(Options(3));
        var logger = new ListLogger();
        var output = new StringWriter();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(5) with { Seed = 7, Sampler = Sampler.Random },
            new ConsoleSweepProgress(output, live: false, interval: TimeSpan.Zero), logger);

        string first = output.ToString().Split(Environment.NewLine)[0];
        var defaults = Knobs.DefaultSweepOptions;
        Assert.Contains($"resumed with 3 trials (3 complete) — created with sampler {defaults.Sampler}, pruner {defaults.Pruner}, seed {defaults.Seed}, " +
            $"now run with sampler Random, pruner {defaults.Pruner}, seed 7 (the stored trials are kept and the new settings continue from them); running until 5", first);
        Assert.Contains(logger.Messages, m => m.Contains($"it was created with sampler {defaults.Sampler}, pruner {defaults.Pruner}, seed {defaults.Seed}; this run uses sampler Random", StringComparison.Ordinal));

        // Back to the settings it was created with: nothing to tell.
        var same = Run(Options(6));
        Assert.DoesNotContain("created with", same[0]);
    }

    [Fact]
    public void The_start_line_goes_to_the_logger_too()
    {
        var logger = new ListLogger();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(2) with { ConsoleProgress = false }, logger: logger);

        Assert.Contains(logger.Messages, m => Regex.IsMatch(m, @"^Study 'knobs' in SQLite file '.*studies\.db': created; running until 2 are complete or pruned \(2 to go\)\.$"));
    }
}
