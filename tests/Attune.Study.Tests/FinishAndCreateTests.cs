using Attune;
using Attune.Search;
using Attune.Search.PostgreSql;

namespace Attune.Study.Tests;

/// <summary>
/// IStudyStorage.FinishAndCreate, the driver's one step between trials: the finish is stored before the decision (so a
/// null or a throwing decision loses nothing), the decision sees the finish, and the trial created was decided on
/// changes that held every trial numbered below it (constant liar, grid points never repeated), under concurrency.
/// Run against every storage by the subclasses below.
/// </summary>
public abstract class FinishAndCreateBehaviour : IDisposable
{
    protected readonly TempDir Dir = new();
    protected abstract IStudyStorage Create();
    protected abstract IStudyStorage Reopen(IStudyStorage first);

    public void Dispose()
    {
        DisposeMore();
        Dir.Dispose();
    }

    protected virtual void DisposeMore() { }

    [SkippableFact]
    public void The_finish_is_stored_and_the_next_trial_gets_the_next_number()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t0 = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        TrialChanges? seen = null;
        var t1 = storage.FinishAndCreate(study.Id, new TrialOutcome(t0.Id, TrialState.Complete, 0.5, null), 0, (n, changes) =>
        {
            seen = changes;
            Assert.Equal(1, n);
            return new double[] { 0.02, 2, 1, 1 };
        });
        Assert.NotNull(t1);
        Assert.Equal(1, t1.Number);
        // The decision knew trial 0; whether as Running or already Complete depends on the storage (PostgreSQL commits
        // the finish with the creation, one commit per trial; the caller applies its own outcome to its cache).
        Assert.Equal(0, Assert.Single(seen!.Trials).Number);
        var trials = TestStudies.Trials(storage, "s");
        Assert.Equal([TrialState.Complete, TrialState.Running], trials.Select(t => t.State));
        Assert.Equal((double?)0.5, trials[0].Value);
        Assert.Equal([0.02, 2, 1, 1], trials[1].Values);
        Assert.True(trials[1].UpdatedSeq > trials[0].UpdatedSeq, "the creation is ordered after the finish");
    }

    [SkippableFact]
    public void A_finish_is_stored_when_the_decision_creates_nothing_or_throws()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var t0 = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        var t1 = storage.CreateTrial(study.Id, _ => [0.01, 1, 0, 0]);
        Assert.Null(storage.FinishAndCreate(study.Id, new TrialOutcome(t0.Id, TrialState.Complete, 1.5, null), 0, (_, _) => null));
        Assert.Throws<InvalidOperationException>(() =>
            storage.FinishAndCreate(study.Id, new TrialOutcome(t1.Id, TrialState.Pruned, 2.5, null), 0, (_, _) => throw new InvalidOperationException("sampler bug")));
        var trials = TestStudies.Trials(storage, "s");
        Assert.Equal(2, trials.Count);
        Assert.Equal((TrialState.Complete, (double?)1.5), (trials[0].State, trials[0].Value));
        Assert.Equal((TrialState.Pruned, (double?)2.5), (trials[1].State, trials[1].Value));
    }

    [SkippableFact]
    public void Concurrent_workers_get_unique_numbers_decided_on_every_earlier_trial()
    {
        using var storage = Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var numbers = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            TrialOutcome? finish = null;
            for (int i = 0; i < 10; i++)
            {
                // afterSeq 0: the first decision gets the whole study; a storage that asks again passes only what
                // changed since (as the driver's cache expects), so the union is what this decision knew.
                var known = new HashSet<int>();
                var t = storage.FinishAndCreate(study.Id, finish, 0, (n, changes) =>
                {
                    foreach (var c in changes.Trials) known.Add(c.Number);
                    Assert.True(known.Count >= n, $"trial {n} was decided knowing {known.Count} trials");
                    return new double[] { 0.01, worker + 1, 0, 0 };
                })!;
                Assert.Equal(Enumerable.Range(0, t.Number), known.Order());   // nothing was created between that read and this trial
                numbers.Add(t.Number);
                finish = new TrialOutcome(t.Id, TrialState.Complete, i, null);
            }
            storage.FinishTrial(finish!);
        });
        Assert.Equal(Enumerable.Range(0, 40), numbers.OrderBy(n => n));
        Assert.All(TestStudies.Trials(storage, "s"), t => Assert.Equal(TrialState.Complete, t.State));
    }
}

public sealed class InMemoryFinishAndCreateTests : FinishAndCreateBehaviour
{
    protected override IStudyStorage Create() => new InMemoryStudyStorage();
    protected override IStudyStorage Reopen(IStudyStorage first) => first;
}

public sealed class SqliteFinishAndCreateTests : FinishAndCreateBehaviour
{
    protected override IStudyStorage Create() => new SqliteStudyStorage(Dir.File("studies.db"));
    protected override IStudyStorage Reopen(IStudyStorage first) => new SqliteStudyStorage(((SqliteStudyStorage)first).FilePath);
}

public sealed class PostgresFinishAndCreateTests : FinishAndCreateBehaviour
{
    private string? schema;
    private string? connection;

    private string Connection => connection ??= PostgresServer.NewSchema(out schema);

    protected override IStudyStorage Create() => new PostgresStudyStorage(Connection);
    protected override IStudyStorage Reopen(IStudyStorage first) => new PostgresStudyStorage(Connection);

    protected override void DisposeMore()
    {
        if (schema is not null) PostgresServer.Drop(schema);
    }

    [SkippableFact]
    public void A_creation_whose_answer_was_lost_is_recognised_by_number_worker_and_start_time()
    {
        // What a retry after a lost commit answer asks before creating again (the lost answer itself cannot be staged
        // without a proxy; the server-restart process test covers the retry path as a whole).
        using var storage = (PostgresStudyStorage)Create();
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var created = storage.FinishAndCreate(study.Id, null, 0, (_, _) => new double[] { 0.01, 1, 0, 0 })!;
        var started = created.Started.UtcDateTime;
        Assert.Equal(created.Id, storage.FindOwnCreation(study.Id, created.Number, started)?.Id);
        Assert.Null(storage.FindOwnCreation(study.Id, created.Number, started.AddTicks(10)));   // another attempt's time
        Assert.Null(storage.FindOwnCreation(study.Id, created.Number + 1, started));
    }

    [SkippableFact]
    public void A_trial_created_by_another_worker_during_the_decision_makes_it_decide_again()
    {
        using var storage = Create();
        using var other = Reopen(storage);
        var study = storage.OpenStudy("s", Knobs.Space, Direction.Minimize);
        other.OpenStudy("s", Knobs.Space, Direction.Minimize);
        var calls = new List<(int Number, int Seen)>();
        var created = storage.FinishAndCreate(study.Id, null, 0, (n, changes) =>
        {
            calls.Add((n, changes.Trials.Count));
            // The first time, another worker is quicker: its trial takes number 0 while this one samples.
            if (calls.Count == 1) other.CreateTrial(study.Id, _ => [0.01, 5, 0, 0]);
            return new double[] { 0.02, 6, 0, 0 };
        })!;
        Assert.Equal([(0, 0), (1, 1)], calls);
        Assert.Equal(1, created.Number);
        var trials = TestStudies.Trials(storage, "s");
        Assert.Equal([5.0, 6.0], trials.Select(t => t.Values[1]));
    }
}
