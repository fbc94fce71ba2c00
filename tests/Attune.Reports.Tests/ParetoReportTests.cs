using Attune;
using Attune.Search;

namespace Attune.Reports.Tests;

/// <summary>A score with two objectives and a constraint, written by hand (this project does not run the generator).</summary>
public sealed record SpeedAndQuality(double Quality, double Ms, double OverBudget) : IObjectiveScore<SpeedAndQuality>
{
    public static ObjectiveSchema ObjectiveSchema { get; } = new([new ObjectiveSpec("Quality", Direction.Maximize), new ObjectiveSpec("Ms", Direction.Minimize)], ["OverBudget"]);
    public static double[] GetObjectives(SpeedAndQuality score) => [score.Quality, score.Ms];
    public static double[] GetConstraints(SpeedAndQuality score) => [score.OverBudget];
    public static SpeedAndQuality FromValues(IReadOnlyList<double> objectives, IReadOnlyList<double> constraints) => new(objectives[0], objectives[1], constraints[0]);
}

public class ParetoReportTests
{
    [Fact]
    public void A_study_with_two_objectives_shows_its_Pareto_front_with_the_objectives_names_and_directions()
    {
        using var dir = new TempDir();
        string db = dir.File("study.db");
        var options = Knobs.DefaultSweepOptions with { Storage = db, StudyName = "two", Trials = 40, Sampler = Sampler.Nsga2, Pruner = Pruner.None, Seed = 3, ConsoleProgress = false };
        var result = Sweep.Run<Knobs, SpeedAndQuality>(t => new SpeedAndQuality(t.Parameters.X, 10 * t.Parameters.X * t.Parameters.X + t.Parameters.Layers, t.Parameters.Layers - 6), options);
        string html = dir.File("report.html");
        StudyReport.Write(db, "two", html);

        string text = File.ReadAllText(html);
        Assert.Contains("\"pareto\"", text);
        Assert.Contains($"Pareto front ({result.ParetoFront.Count})", text);
        Assert.Contains("Quality (higher is better)", text);
        Assert.Contains("Ms (lower is better)", text);
        foreach (var t in result.ParetoFront) Assert.Contains($"trial #{t.Number}\"", text);

        // A study of a plain objective draws no front.
        Sweep.Run<Knobs>(t => Knobs.Objective(t), options with { StudyName = "one", Trials = 5 });
        StudyReport.Write(db, "one", html);
        Assert.DoesNotContain("\"pareto\"", File.ReadAllText(html));
    }

    [Fact]
    public void The_objectives_recorded_with_a_studys_settings_read_back()
    {
        string text = "sampler Nsga2, pruner None, seed 3, " + ObjectiveSettings.Describe(SpeedAndQuality.ObjectiveSchema);
        Assert.Equal("sampler Nsga2, pruner None, seed 3, objectives: Quality maximize, Ms minimize; constraints: OverBudget", text);
        var schema = ObjectiveSettings.Parse(text)!;
        Assert.Equal(SpeedAndQuality.ObjectiveSchema.ToString(), schema.ToString());
        Assert.Null(ObjectiveSettings.Parse("sampler Tpe, pruner None, seed 3"));
        Assert.Null(ObjectiveSettings.Parse(null));
    }
}
