using System.Collections.Concurrent;
using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

public sealed class SweepTests : IDisposable
{
    private readonly TempDir dir = new();
    public void Dispose() => dir.Dispose();

    private SweepOptions OnFile(int trials, string study = "knobs") => Knobs.DefaultSweepOptions with { Trials = trials, Storage = dir.File("studies.db"), StudyName = study };
    private static SweepOptions InMemory(int trials) => Knobs.DefaultSweepOptions with { Trials = trials, Storage = ":memory:" };

    private static double Loss(Knobs k) => Math.Abs(Math.Log10(k.Lr) + 2) + k.Layers * 0.1;

    [Fact]
    public void A_sweep_stores_every_trial_and_reports_the_best()
    {
        var progress = new List<SweepProgress>();
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(5), new SyncProgress(progress));
        Assert.Equal(5, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal([0, 1, 2, 3, 4], result.Trials.Select(t => t.Number));
        Assert.Equal(result.Trials.Min(t => t.Value), result.Best.Value);
        Assert.Equal(Loss(result.Best.Parameters), result.Best.Value);
        Assert.Equal([1, 2, 3, 4, 5], progress.Select(p => p.CompletedTrials));
        Assert.Equal(result.Best.Value, progress[^1].BestValue);
        Assert.Equal(result.Best.Number, progress[^1].BestTrialNumber);
        Assert.False(result.Cancelled || result.TimedOut);
        Assert.Equal(5, TestStudies.Trials(dir.File("studies.db"), "knobs").Count);
    }

    [Fact]
    public void The_best_trial_has_a_plain_value_and_results_print_as_sentences()
    {
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(4));
        double best = result.Best.Value;   // a double: no Value!.Value
        Assert.Equal(result.Trials.Min(t => t.Value!.Value), best);

        string line = result.Best.ToString();
        Assert.StartsWith(FormattableString.Invariant($"trial {result.Best.Number}: Complete, value {best:G6} after "), line);
        Assert.Contains("Knobs {", line);
        Assert.DoesNotContain("System.Collections", line);
        Assert.Matches(@"^study 'knobs' \(minimize\): 4 trials \(4 complete\); best trial \d+: Complete, value ", result.ToString());
        Assert.DoesNotContain("System.Collections", result.Trials[0].ToString());
    }

    [Fact]
    public void A_second_run_resumes_the_study_and_continues_numbering()
    {
        Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(5));
        var calls = new List<int>();
        var result = Sweep.Run<Knobs>(t => { calls.Add(t.Number); return Loss(t.Parameters); }, OnFile(8));
        Assert.Equal([5, 6, 7], calls);
        Assert.Equal(8, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, 8), result.Trials.Select(t => t.Number));
        // Already there: a third run with the same target runs nothing.
        Assert.Equal(8, Sweep.Run<Knobs>(t => throw new InvalidOperationException("must not run"), OnFile(8)).Trials.Count);
    }

    [Fact]
    public void Resuming_with_a_changed_space_says_what_changed()
    {
        Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(2));
        var e = Assert.Throws<SpaceChangedException>(() => Sweep.Run<KnobsEdited>(t => 0, KnobsEdited.DefaultSweepOptions with { Storage = dir.File("studies.db"), StudyName = "knobs" }));
        Assert.Contains("Study 'knobs' in SQLite file '" + dir.File("studies.db") + "'", e.Message);
        Assert.Contains("Layers: changed from \"Layers: int [1, 8] step 1\" to \"Layers: int [1, 16] step 1\"", e.Message);
        Assert.Contains("Momentum: added", e.Message);
        Assert.Contains("Bias: removed", e.Message);
        Assert.Contains("new study name (SweepOptions.StudyName)", e.Message);
    }

    [Fact]
    public void Failing_and_NaN_trials_are_stored_as_Failed_and_the_sweep_goes_on()
    {
        var result = Sweep.Run<Knobs>(t => t.Number switch
        {
            1 => throw new InvalidOperationException("boom in trial 1"),
            2 => double.NaN,
            _ => Loss(t.Parameters),
        }, OnFile(4));
        Assert.Equal(6, result.Trials.Count);
        Assert.Equal(4, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal("System.InvalidOperationException: boom in trial 1", result.Trials[1].Error);
        Assert.Equal(TrialState.Failed, result.Trials[2].State);
        Assert.Contains("NaN", result.Trials[2].Error);
        var stored = TestStudies.Trials(dir.File("studies.db"), "knobs");
        Assert.Equal("System.InvalidOperationException: boom in trial 1", stored[1].Error);
    }

    // These three pin CreateAhead to Never: what a stop does to a trial created ahead is CreateAheadTests' subject.
    [Fact]
    public void Too_many_failures_stop_the_sweep_with_the_last_errors_and_keep_completed_trials()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Sweep.Run<Knobs>(
            t => t.Number < 2 ? 1.0 : throw new FormatException($"bad input {t.Number}"), OnFile(10) with { MaxFailedTrials = 2, CreateAhead = CreateAhead.Never }));
        Assert.Contains("3 trials failed in this run, more than MaxFailedTrials (2)", e.Message);
        Assert.Contains("trial 2: System.FormatException: bad input 2", e.Message);
        Assert.Contains("trial 4: System.FormatException: bad input 4", e.Message);
        var stored = TestStudies.Trials(dir.File("studies.db"), "knobs");
        Assert.Equal(2, stored.Count(t => t.State == TrialState.Complete));
        Assert.Equal(3, stored.Count(t => t.State == TrialState.Failed));
    }

    [Fact]
    public async Task Cancellation_stops_the_sweep_and_cancels_the_running_trial()
    {
        using var cts = new CancellationTokenSource();
        var result = await Sweep.RunAsync<Knobs>(async t =>
        {
            if (t.Number < 2) return 1.0;
            cts.Cancel();
            await Task.Delay(Timeout.Infinite, t.CancellationToken);
            return 2.0;
        }, InMemory(100) with { CreateAhead = CreateAhead.Never }, cancellationToken: cts.Token);
        Assert.True(result.Cancelled);
        Assert.False(result.TimedOut);
        Assert.Equal(3, result.Trials.Count);
        Assert.Equal(TrialState.Failed, result.Trials[2].State);
        Assert.StartsWith("cancelled:", result.Trials[2].Error);
    }

    [Fact]
    public void A_timeout_stops_starting_trials_and_fires_the_running_ones_token()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Sweep.Run<Knobs>(t =>
        {
            if (t.Number < 2) return 1.0;
            Task.Delay(Timeout.Infinite, t.CancellationToken).Wait(t.CancellationToken);
            return 2.0;
        }, InMemory(100) with { Timeout = TimeSpan.FromMilliseconds(300), CreateAhead = CreateAhead.Never });
        Assert.True(result.TimedOut);
        Assert.False(result.Cancelled);
        Assert.Equal(3, result.Trials.Count);
        Assert.StartsWith("cancelled:", result.Trials[2].Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData(":memory:")]
    [InlineData("file")]
    public void Four_workers_run_exactly_the_target_with_unique_numbers(string storage)
    {
        int now = 0, most = 0;
        var options = Knobs.DefaultSweepOptions with { Trials = 24, Workers = 4, Storage = storage == "file" ? dir.File("w.db") : storage };
        var result = Sweep.Run<Knobs>(t =>
        {
            int c = Interlocked.Increment(ref now);
            InterlockedMax(ref most, c);
            Thread.Sleep(15);
            Interlocked.Decrement(ref now);
            return Loss(t.Parameters);
        }, options);
        Assert.Equal(24, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, 24), result.Trials.Select(t => t.Number).OrderBy(n => n));
        Assert.True(most > 1, "trials should have run concurrently");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public void Reports_are_stored_and_the_pruner_stops_trials()
    {
        var pruner = new StepPruner(atStep: 2, oddOnly: true);
        var result = Sweep.Run<Knobs>(t =>
        {
            for (int step = 0; step < 5; step++)
            {
                t.Report(step, 10.0 - step);
                if (t.ShouldPrune) break;
            }
            return 5.0;
        }, OnFile(4), sampler: null, pruner: pruner);
        Assert.Equal(4, result.Trials.Count);
        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Complete, TrialState.Pruned], result.Trials.Select(t => t.State));
        Assert.Equal(8.0, result.Trials[1].Value);                          // the last intermediate value (step 2)
        Assert.Equal([0, 1, 2], result.Trials[1].Intermediate.Keys.OrderBy(k => k));
        Assert.Equal(5, result.Trials[0].Intermediate.Count);
        Assert.Equal(6.0, TestStudies.Trials(dir.File("studies.db"), "knobs")[0].Intermediate[4]);
        Assert.Equal(16, pruner.Calls);                                      // 5 + 3 + 5 + 3 reports
        Assert.Equal(4, pruner.LastHistoryCount);                           // it saw every trial of the study
    }

    [Fact]
    public void A_custom_sampler_sees_the_history_and_a_seeded_random_per_trial_number()
    {
        var sampler = new RecordingSampler();
        Sweep.Run<Knobs>(t => 1.0, InMemory(3) with { Seed = 11 }, sampler);
        Assert.Equal([0, 1, 2], sampler.HistoryCounts);
        Assert.Equal(new Random(TrialSeeds.Mix(11, 2)).NextDouble(), sampler.FirstDraws[2]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trials_in_a_new_study()
    {
        var a = Sweep.Run<Knobs>(t => 1.0, InMemory(6) with { Seed = 3 });
        var b = Sweep.Run<Knobs>(t => 1.0, InMemory(6) with { Seed = 3 });
        var c = Sweep.Run<Knobs>(t => 1.0, InMemory(6) with { Seed = 4 });
        Assert.Equal(a.Trials.Select(t => t.Parameters), b.Trials.Select(t => t.Parameters));
        Assert.NotEqual(a.Trials.Select(t => t.Parameters), c.Trials.Select(t => t.Parameters));
        Assert.NotEqual(TrialSeeds.Mix(3, 0), TrialSeeds.Mix(3, 1));
        // Pinned: the mix must not depend on the process (HashCode.Combine would), or resumed studies would diverge.
        Assert.Equal(-1170522219, TrialSeeds.Mix(42, 7));
        Assert.Equal(1006331086, TrialSeeds.Mix(0, 0));
    }

    [Fact]
    public void Invalid_options_list_every_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => Sweep.Run<Knobs>(t => 1, Knobs.DefaultSweepOptions with { Trials = 0, Workers = 0, Direction = Direction.Auto }));
        Assert.Contains("Trials is 0", e.Message);
        Assert.Contains("Workers is 0", e.Message);
        Assert.Contains("Direction is Auto", e.Message);
    }

    [Theory]
    [InlineData(Sampler.Tpe, Pruner.None)]
    [InlineData(Sampler.Tpe, Pruner.Median)]
    [InlineData(Sampler.Tpe, Pruner.Asha)]
    [InlineData(Sampler.Random, Pruner.Median)]
    [InlineData(Sampler.Random, Pruner.Asha)]
    [InlineData(Sampler.Gp, Pruner.Asha)]
    [InlineData(Sampler.CmaEs, Pruner.None)]
    [InlineData(Sampler.CmaEs, Pruner.Asha)]
    [InlineData(Sampler.QuasiRandom, Pruner.Median)]
    [InlineData(Sampler.Tpe, Pruner.Hyperband)]
    [InlineData(Sampler.Random, Pruner.Hyperband)]
    public void Every_sampler_and_pruner_drives_a_sweep_to_its_trial_count(Sampler sampler, Pruner pruner)
    {
        // A learning curve per trial: the loss falls with the step towards the trial's final value.
        var result = Sweep.Run<Knobs>(t =>
        {
            double final = Loss(t.Parameters);
            for (int step = 1; step <= 9 && !t.ShouldPrune; step++) t.Report(step, final + 1.0 / step);
            return final;
        }, InMemory(24) with { Sampler = sampler, Pruner = pruner, Workers = 2 });

        Assert.Equal(24, result.Trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned));
        Assert.Equal(Enumerable.Range(0, result.Trials.Count), result.Trials.Select(t => t.Number).Order());
        if (pruner != Pruner.None) Assert.Contains(result.Trials, t => t.State == TrialState.Pruned);
    }

    [Theory]
    [InlineData(Sampler.CmaEs)]
    [InlineData(Sampler.QuasiRandom)]
    [InlineData(Sampler.Tpe)]
    public void A_study_stopped_and_resumed_samples_the_trials_an_uninterrupted_one_does(Sampler sampler)
    {
        // CMA-ES rebuilds its generations, and Sobol its point index and scramble, from the stored study alone.
        var whole = Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(40, "whole") with { Sampler = sampler, Seed = 5 });
        Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(13, "resumed") with { Sampler = sampler, Seed = 5 });
        var resumed = Sweep.Run<Knobs>(t => Loss(t.Parameters), OnFile(40, "resumed") with { Sampler = sampler, Seed = 5 });
        Assert.Equal(whole.Trials.Select(t => t.Parameters), resumed.Trials.Select(t => t.Parameters));
        Assert.Equal(40, whole.Trials.Select(t => t.Parameters).Distinct().Count());
    }

    [Fact]
    public void Grid_runs_every_point_of_a_finite_space_once_then_stops()
    {
        var result = Sweep.Run<WorkerSpaceGrid>(t => t.Parameters.N, WorkerSpaceGrid.DefaultSweepOptions with { Storage = ":memory:", Trials = 100 });
        Assert.Equal(6, result.Trials.Count);
        Assert.Equal(6, result.Trials.Select(t => (t.Parameters.N, t.Parameters.Flag)).Distinct().Count());
    }

    [Theory]
    [InlineData(null, "attune-studies.db")]
    [InlineData("x/studies.db", "studies.db")]
    [InlineData("x/studies.sqlite", "studies.sqlite")]
    [InlineData("Data Source=x/conn.db;Cache=Shared", "conn.db")]
    public void Storage_forms_open_SQLite_files(string? form, string file)
    {
        string old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            using var storage = StudyStorage.Open(form);
            var sqlite = Assert.IsType<SqliteStudyStorage>(storage);
            Assert.Equal(file, Path.GetFileName(sqlite.FilePath));
            Assert.DoesNotContain("Cache", sqlite.Location);
        }
        finally { Environment.CurrentDirectory = old; }
    }

    [Fact]
    public void The_generated_initializer_registered_PostgreSQL_storage_because_this_project_references_its_package()
    {
        // No test code registers it: the Attune generator saw Attune.Search.PostgreSql among the references and emitted a
        // module initializer that did, as it does in a user's project.
        Assert.Contains(StudyStorage.Providers, p => p is Attune.Search.PostgreSql.PostgresStorageProvider);
    }

    [Fact]
    public void Memory_storage_and_unknown_forms()
    {
        Assert.IsType<InMemoryStudyStorage>(StudyStorage.Open(":memory:"));
        var e = Assert.Throws<ArgumentException>(() => StudyStorage.Open("mysql://u:hunter2@db/x"));
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.Contains("\":memory:\"", e.Message);
        Assert.Contains(".db, .sqlite or .sqlite3", e.Message);
        Assert.Contains("Data Source=", e.Message);
        Assert.Contains("postgres://", e.Message);
        Assert.DoesNotContain("hunter2", Assert.Throws<ArgumentException>(() => StudyStorage.Open("Server=db;Password=hunter2;Bogus Key=1")).Message);
        Assert.Contains("\"studies.txt\"", Assert.Throws<ArgumentException>(() => StudyStorage.Open("studies.txt")).Message);
        var bad = Assert.Throws<ArgumentException>(() => SqliteStudyStorage.FromConnectionString("Data Source=x.db;Password=hunter2;Bogus=1"));
        Assert.DoesNotContain("hunter2", bad.Message);
    }

    [Fact]
    public void Results_export_to_CSV_and_JSON_with_natural_values()
    {
        var result = Sweep.Run<Knobs>(t =>
        {
            t.Report(0, 0.25);
            return t.Number == 1 ? throw new InvalidOperationException("bad, \"quoted\"") : 0.5;
        }, OnFile(2));
        string csv = dir.File("out/trials.csv"), json = dir.File("out/trials.json");
        result.ExportCsv(csv);
        result.ExportJson(json);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("number,state,value,duration_seconds,Lr,Layers,Act,Bias,error", lines[0]);
        Assert.Equal(4, lines.Length);
        var k = result.Trials[0].Parameters;
        Assert.StartsWith("0,Complete,0.5,", lines[1]);
        Assert.EndsWith($",{k.Lr.ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{k.Layers},{k.Act},{(k.Bias ? "true" : "false")},", lines[1]);
        Assert.StartsWith("1,Failed,,", lines[2]);
        Assert.EndsWith(",\"System.InvalidOperationException: bad, \"\"quoted\"\"\"", lines[2]);

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var first = doc.RootElement[0];
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.Equal(0, first.GetProperty("number").GetInt32());
        Assert.Equal("Complete", first.GetProperty("state").GetString());
        Assert.Equal(0.5, first.GetProperty("value").GetDouble());
        Assert.Equal(k.Layers, first.GetProperty("params").GetProperty("Layers").GetInt32());
        Assert.Equal(k.Act, first.GetProperty("params").GetProperty("Act").GetString());
        Assert.Equal(k.Bias, first.GetProperty("params").GetProperty("Bias").GetBoolean());
        Assert.Equal(0.25, first.GetProperty("intermediate").GetProperty("0").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.GetProperty("error").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement[1].GetProperty("value").ValueKind);
        Assert.Empty(Directory.GetFiles(dir.File("out"), "*.tmp"));
    }

    [Fact]
    public void Abandoned_trials_are_failed_when_stale_and_left_alone_when_fresh()
    {
        var storage = new InMemoryStudyStorage();
        var study = storage.OpenStudy("Knobs", Knobs.Space, Direction.Minimize);
        var other = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);  // a Running trial of "another process", alive:
        SweepResult<Knobs> result;
        var options = InMemory(3);
        using var alive = new Timer(_ => storage.Heartbeat([other.Id]), null, 0, 20);    // it heartbeats, so it is left alone
        result = Sweep.Run<Knobs>(t => 1.0, options, sampler: null, storage: storage);
        Assert.Equal(TrialState.Running, result.Trials[0].State);    // fresh: not touched, and counted as under way
        Assert.Equal(2, result.Trials.Count(t => t.State == TrialState.Complete));

        alive.Change(Timeout.Infinite, Timeout.Infinite);
        Thread.Sleep(50);                                      // no heartbeat while the clock is set back
        storage.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-10);
        storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);  // heartbeat 10 minutes ago
        storage.Clock = () => DateTimeOffset.UtcNow;
        alive.Change(0, 20);
        result = Sweep.Run<Knobs>(t => 1.0, options with { Trials = 4 }, sampler: null, storage: storage);
        Assert.Equal(TrialState.Failed, result.Trials[3].State);
        Assert.Equal("abandoned: the process running it stopped", result.Trials[3].Error);
        Assert.Equal(TrialState.Complete, result.Trials[4].State);
        Assert.Equal(5, result.Trials.Count);
    }

    private sealed class SyncProgress(List<SweepProgress> into) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) { lock (into) into.Add(value); }
    }

    private sealed class RecordingSampler : ISampler
    {
        public readonly List<int> HistoryCounts = new();
        public readonly List<double> FirstDraws = new();
        public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
        {
            HistoryCounts.Add(history.Count);
            FirstDraws.Add(random.NextDouble());
            return [0.01, 2, 1, 0];
        }
    }
}
