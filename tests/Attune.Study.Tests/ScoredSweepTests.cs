using Attune;
using Attune.Search;
using Microsoft.Data.Sqlite;

namespace Attune.Study.Tests;

/// <summary>A generated space for the typed multi-objective sweep below. [TuneSpace] still needs a Direction (AT0113:
/// the same space may be swept with a plain number); a score sweep takes each objective's from the score type.</summary>
[TuneSpace(Trials = 60, Direction = Direction.Maximize, Sampler = Sampler.Nsga2, Seed = 5)]
public partial record TradeOffSpace
{
    [Uniform(0, 1)] public double Size { get; init; }
    [Uniform(0, 1)] public double Cache { get; init; }
    [Choice("fp32", "fp16")] public string Precision { get; init; } = "fp32";
}

/// <summary>What the objective returns: two objectives (bigger models are more accurate and slower) and one
/// constraint (memory over a budget; a big cache costs memory).</summary>
[ObjectiveScore]
public partial record TradeOff(
    [property: Objective(Direction.Maximize)] double Accuracy,
    [property: Objective(Direction.Minimize)] double LatencyMs,
    [property: Constraint] double MemoryOverBudgetMb);

/// <summary>End to end: a [TuneSpace] sweep whose objective returns an [ObjectiveScore] record, on SQLite, resumed.</summary>
public sealed class ScoredSweepTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static TradeOff Evaluate(TradeOffSpace p)
    {
        double speedup = p.Precision == "fp16" ? 0.6 : 1.0;
        return new TradeOff(
            Accuracy: Math.Sqrt(p.Size) - (p.Precision == "fp16" ? 0.02 : 0),
            LatencyMs: (5 + 40 * p.Size * p.Size) * speedup * (1.5 - p.Cache),
            MemoryOverBudgetMb: 100 * (p.Cache + p.Size) - 120);
    }

    [Fact]
    public void A_warm_start_from_a_scored_study_copies_every_objective_and_constraint_so_the_new_study_ranks_them()
    {
        string file = dir.File("studies.db");
        var options = TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = file, Trials = 12 };
        var source = TradeOffSpace.RunSweep(trial => Evaluate(trial.Parameters), options with { StudyName = "first" });

        var target = TradeOffSpace.RunSweep(trial => Evaluate(trial.Parameters), options with { StudyName = "second", Trials = 3, WarmStartFrom = "first" });

        var copied = target.Trials.Take(12).ToList();
        Assert.Equal(source.Trials.Select(t => t.Score), copied.Select(t => t.Score));   // not null: the objectives came along
        Assert.Equal(source.Trials.Select(t => t.Feasible), copied.Select(t => t.Feasible));
        Assert.Equal(15, target.Trials.Count);
        // The front of the new study is drawn from the copies too, not only from its own three trials.
        Assert.Contains(target.ParetoFront, f => f.Number < 12);
    }

    [Fact]
    public void A_typed_score_sweep_stores_every_objective_and_returns_the_feasible_Pareto_front_and_resumes_with_the_same_scores()
    {
        string file = dir.File("studies.db");
        var result = TradeOffSpace.RunSweep(trial => Evaluate(trial.Parameters), TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = file });

        Assert.Equal(60, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(["Accuracy", "LatencyMs"], result.Schema.Objectives.Select(o => o.Name));
        Assert.Equal(["MemoryOverBudgetMb"], result.Schema.Constraints);
        // Typed: each trial's score is the record the objective returned for its parameters.
        Assert.All(result.Trials, t => Assert.Equal(Evaluate(t.Parameters), t.Score));
        Assert.All(result.Trials, t => Assert.Equal(t.Score!.MemoryOverBudgetMb <= 0, t.Feasible));
        Assert.Contains(result.Trials, t => !t.Feasible);

        // The front: feasible, dominated by no feasible trial; every feasible trial off it is dominated by a member.
        var feasible = result.Trials.Where(t => t.Feasible).ToList();
        Assert.NotEmpty(result.ParetoFront);
        Assert.All(result.ParetoFront, f => Assert.True(f.Feasible));
        bool Dominates(TradeOff a, TradeOff b) => a.Accuracy >= b.Accuracy && a.LatencyMs <= b.LatencyMs && (a.Accuracy > b.Accuracy || a.LatencyMs < b.LatencyMs);
        Assert.All(result.ParetoFront, f => Assert.DoesNotContain(feasible, o => Dominates(o.Score!, f.Score!)));
        Assert.All(feasible.Except(result.ParetoFront), t => Assert.Contains(result.ParetoFront, f => Dominates(f.Score!, t.Score!)));
        Assert.Contains("Pareto front of " + result.ParetoFront.Count, result.ToString());

        // Stored: value is the first objective (tools that read one value keep working), the rest beside it.
        using (var c = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT value, objective_values, constraint_values FROM trials WHERE number = 0";
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            var first = result.Trials[0].Score!;
            Assert.Equal(first.Accuracy, r.GetDouble(0));
            Assert.Equal(StudyCodecText(first.Accuracy, first.LatencyMs), r.GetString(1));
            Assert.Equal(StudyCodecText(first.MemoryOverBudgetMb), r.GetString(2));
        }

        // Resumed: the earlier trials come back as the same typed scores, and the study goes on to 80.
        var resumed = TradeOffSpace.RunSweep(trial => Evaluate(trial.Parameters), TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = file, Trials = 80 });
        Assert.Equal(80, resumed.Trials.Count);
        Assert.Equal(result.Trials.Select(t => t.Score), resumed.Trials.Take(60).Select(t => t.Score));
        Assert.All(resumed.ParetoFront, f => Assert.DoesNotContain(resumed.Trials.Where(t => t.Feasible), o => Dominates(o.Score!, f.Score!)));
    }

    private static string StudyCodecText(params double[] values) => "[" + string.Join(",", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public async Task An_asynchronous_objective_and_the_in_memory_storage_give_the_same_scores_as_the_synchronous_one()
    {
        var options = TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = ":memory:", Trials = 20 };
        var sync = TradeOffSpace.RunSweep(trial => Evaluate(trial.Parameters), options);
        var async = await TradeOffSpace.RunSweepAsync(async trial => { await Task.Yield(); return Evaluate(trial.Parameters); }, options);
        Assert.Equal(sync.Trials.Select(t => t.Score), async.Trials.Select(t => t.Score));
        Assert.Equal(sync.ParetoFront.Select(t => t.Number), async.ParetoFront.Select(t => t.Number));
    }

    [Fact]
    public void Pruning_several_objectives_is_refused_before_any_trial_runs()
    {
        int ran = 0;
        var e = Assert.Throws<ArgumentException>(() => Sweep.Run<TradeOffSpace, TradeOff>(trial => { ran++; return Evaluate(trial.Parameters); },
            TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = ":memory:", Pruner = Pruner.Median }));
        Assert.Contains("Pruner is Median, but TradeOff has 2 objectives", e.Message);
        Assert.Contains("use Pruner.None with several objectives", e.Message);
        Assert.Equal(0, ran);
    }

    [Fact]
    public void An_objective_that_returns_a_value_that_is_not_finite_fails_the_trial_naming_the_member()
    {
        var result = Sweep.Run<TradeOffSpace, TradeOff>(trial => Evaluate(trial.Parameters) with { LatencyMs = trial.Number == 1 ? double.NaN : 1 },
            TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = ":memory:", Trials = 3, Sampler = Sampler.Random });
        var failed = Assert.Single(result.Trials, t => t.State == TrialState.Failed);
        Assert.Equal(1, failed.Number);
        Assert.Equal("the objective returned LatencyMs = NaN, not a finite value", failed.Error);
    }

    [Theory]
    [InlineData(Sampler.Tpe)]
    [InlineData(Sampler.Random)]
    public void Other_samplers_run_a_typed_score_sweep_too(Sampler sampler)
    {
        var result = Sweep.Run<TradeOffSpace, TradeOff>(trial => Evaluate(trial.Parameters),
            TradeOffSpace.DefaultSweepOptions with { ConsoleProgress = false, Storage = ":memory:", Trials = 30, Sampler = sampler });
        Assert.Equal(30, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.NotEmpty(result.ParetoFront);
    }
}
