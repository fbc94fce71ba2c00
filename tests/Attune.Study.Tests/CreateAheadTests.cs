using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>
/// SweepOptions.CreateAhead: a worker may create its next trial while the current one runs, so the storage's round
/// trips leave the gap between trials. Run against memory, a SQLite file and PostgreSQL.
/// </summary>
[Collection("postgres")]
public sealed class CreateAheadTests : IDisposable
{
    private readonly TempDir dir = new();
    private string? schema;
    private string? connection;

    public void Dispose()
    {
        if (schema is not null) PostgresServer.Drop(schema);
        dir.Dispose();
    }

    private SweepOptions Options(string storage, int trials, CreateAhead ahead) => Knobs.DefaultSweepOptions with
    {
        Trials = trials,
        CreateAhead = ahead,
        StudyName = "ahead",
        Storage = storage switch
        {
            "file" => dir.File("studies.db"),
            "postgres" => connection ??= PostgresServer.NewSchema(out schema),
            _ => storage,
        },
    };

    private static double Loss(Knobs k) => Math.Abs(Math.Log10(k.Lr) + 2) + k.Layers * 0.1;

    [SkippableTheory]
    [InlineData(":memory:"), InlineData("file"), InlineData("postgres")]
    public void Created_ahead_the_sampler_sees_the_running_trial_instead_of_its_result(string storage)
    {
        var sampler = new CountingSampler();
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(storage, 6, CreateAhead.Always), sampler);
        Assert.Equal(6, result.Trials.Count(t => t.State == TrialState.Complete));
        // Trial 0 is created before anything ran. Trials 1-4 are created while the trial before them runs: the sampler
        // sees that one Running. Trial 5 is not created ahead (one trial left, one under way): it sees every result.
        Assert.Equal([0, 0, 1, 2, 3, 5], sampler.Finished);
        Assert.Equal([0, 1, 1, 1, 1, 0], sampler.Running);
    }

    [SkippableTheory]
    [InlineData(":memory:"), InlineData("file"), InlineData("postgres")]
    public void Created_after_each_trial_the_sampler_sees_every_result(string storage)
    {
        var sampler = new CountingSampler();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(storage, 5, CreateAhead.Never), sampler);
        Assert.Equal([0, 1, 2, 3, 4], sampler.Finished);
        Assert.Equal([0, 0, 0, 0, 0], sampler.Running);
    }

    [SkippableTheory]
    [InlineData(":memory:"), InlineData("file"), InlineData("postgres")]
    public void A_trial_created_ahead_starts_when_its_objective_begins_not_when_it_was_created(string storage)
    {
        // Each objective takes 150 ms; a trial created ahead waits ~150 ms for the one before it. Its stored start is
        // when its own objective began, so its duration is ~150 ms, not ~300 ms.
        var result = Sweep.Run<Knobs>(t => { Thread.Sleep(150); return Loss(t.Parameters); }, Options(storage, 4, CreateAhead.Always));
        Assert.Equal(4, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.InRange(t.Duration!.Value.TotalMilliseconds, 145, 270));
    }

    [SkippableTheory]
    [InlineData(":memory:"), InlineData("file"), InlineData("postgres")]
    public void Four_workers_creating_ahead_run_exactly_the_target_with_unique_numbers(string storage)
    {
        var result = Sweep.Run<Knobs>(t => { Thread.Sleep(5); return Loss(t.Parameters); }, Options(storage, 24, CreateAhead.Always) with { Workers = 4 });
        Assert.Equal(24, result.Trials.Count);   // none left over, none created beyond the target
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, 24), result.Trials.Select(t => t.Number).OrderBy(n => n));
    }

    [SkippableTheory]
    [InlineData(":memory:"), InlineData("file"), InlineData("postgres")]
    public void A_sweep_that_stops_keeps_its_trial_created_ahead_as_cancelled_not_running(string storage)
    {
        var options = Options(storage, 10, CreateAhead.Always) with { MaxFailedTrials = 2 };
        IStudyStorage? kept = storage == ":memory:" ? new InMemoryStudyStorage() : null;
        var e = Assert.Throws<InvalidOperationException>(() =>
            Sweep.Run<Knobs>(t => throw new InvalidOperationException("boom " + t.Number), options, sampler: null, storage: kept));
        Assert.Contains("3 trials failed in this run, more than MaxFailedTrials (2)", e.Message);
        using var reopened = kept is null ? StudyStorage.Open(options.Storage) : null;
        var stored = TestStudies.Trials(kept ?? reopened!, "ahead");
        // Trials 0-2 ran and failed; trial 3 was created ahead while trial 2 ran and never began.
        Assert.Equal([0, 1, 2, 3], stored.Select(t => t.Number));
        Assert.All(stored, t => Assert.Equal(TrialState.Failed, t.State));
        Assert.Equal(["boom 0", "boom 1", "boom 2"], stored.Take(3).Select(t => t.Error!.Split(": ")[^1]));
        Assert.StartsWith("cancelled:", stored[3].Error);
        Assert.Contains("created ahead", stored[3].Error);
        kept?.Dispose();
    }

    [Fact]
    public void Auto_creates_ahead_when_storage_is_slow_next_to_a_trial_and_not_otherwise()
    {
        // 5 ms trials on a SQLite file, two workers: a step (a commit) costs more than 1% of a trial and less than all of
        // it, and with two workers the order of trials depends on timing anyway.
        var fast = new CountingSampler();
        Sweep.Run<Knobs>(t => { Thread.Sleep(5); return Loss(t.Parameters); }, Options("file", 16, CreateAhead.Auto) with { Workers = 2 }, fast);
        Assert.Contains(3, fast.Running);                                 // each worker's trial and one created ahead
        // The same with one worker: a seeded sweep stays reproducible, so nothing is created ahead.
        var alone = new CountingSampler();
        Sweep.Run<Knobs>(t => { Thread.Sleep(5); return Loss(t.Parameters); }, Options("file", 8, CreateAhead.Auto) with { StudyName = "alone" }, alone);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], alone.Finished);
        // A trial that returns at once is shorter than a step that commits to a file: creating ahead would only cost the
        // sampler results. (The first trials, slowed by JIT compilation, may look long enough for one trial ahead; once
        // the fastest trial is measured, none.)
        var instant = new CountingSampler();
        Sweep.Run<Knobs>(t => Loss(t.Parameters), Options("file", 8, CreateAhead.Auto) with { StudyName = "instant" }, instant);
        Assert.Equal([4, 5, 6, 7], instant.Finished.Skip(4));
        // A 150 ms trial in memory: a step costs microseconds, far below 1% of the trial; no trial is created ahead, so
        // every one is sampled with every result.
        var slow = new CountingSampler();
        Sweep.Run<Knobs>(t => { Thread.Sleep(150); return Loss(t.Parameters); }, Options(":memory:", 5, CreateAhead.Auto), slow);
        Assert.Equal([0, 1, 2, 3, 4], slow.Finished);
    }

    [Fact]
    public void An_unknown_CreateAhead_value_is_refused_with_the_accepted_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Sweep.Run<Knobs>(t => 0, Options(":memory:", 2, (CreateAhead)7)));
        Assert.Contains("CreateAhead is 7; expected Auto, Always or Never.", e.Message);
    }

    /// <summary>Records, for each trial it samples, how many trials of the history were finished and how many Running.</summary>
    private sealed class CountingSampler : ISampler
    {
        public readonly List<int> Finished = new();
        public readonly List<int> Running = new();
        private readonly RandomSampler inner = new();

        public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
        {
            lock (Finished)
            {
                Finished.Add(history.Count(t => t.State is TrialState.Complete or TrialState.Pruned));
                Running.Add(history.Count(t => t.State == TrialState.Running));
            }
            return inner.Sample(space, history, direction, random);
        }
    }
}
