using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>
/// SweepOptions.RetryAbandoned: a trial failed as abandoned (its worker stopped or fell silent) runs again once, as a
/// new trial with the same parameters. The multi-process version (a worker killed with SIGKILL on PostgreSQL) is in
/// PostgresProcessTests.
/// </summary>
public sealed class RetryAbandonedTests
{
    private static readonly double[] Lost = [0.003, 5, 1, 1];
    private static double Loss(Knobs k) => Math.Abs(Math.Log10(k.Lr) + 2) + k.Layers * 0.1;
    private static SweepOptions Options(int trials, bool retry) => Knobs.DefaultSweepOptions with { Trials = trials, Storage = ":memory:", RetryAbandoned = retry };

    /// <summary>A storage holding one Running trial whose worker has been silent for 10 minutes.</summary>
    private static InMemoryStudyStorage WithAbandonedTrial(out long studyId)
    {
        var storage = new InMemoryStudyStorage();
        studyId = storage.OpenStudy("Knobs", Knobs.Space, Direction.Minimize).Id;
        storage.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-10);
        storage.CreateTrial(studyId, _ => Lost);
        storage.Clock = () => DateTimeOffset.UtcNow;
        return storage;
    }

    [Fact]
    public void An_abandoned_trial_runs_again_with_the_same_parameters_before_anything_new()
    {
        using var storage = WithAbandonedTrial(out _);
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(4, retry: true), sampler: null, storage: storage);
        Assert.Equal((TrialState.Failed, "abandoned: the process running it stopped"), (result.Trials[0].State, result.Trials[0].Error));
        Assert.Equal(TrialFailure.Abandoned, result.Trials[0].Failure);
        Assert.Equal(Knobs.Decode(Lost), result.Trials[1].Parameters);        // the first trial of this run is the rerun
        Assert.Equal(0, result.Trials[1].RetryOf);                             // and says which trial it reruns
        Assert.Equal(TrialState.Complete, result.Trials[1].State);
        Assert.Equal(4, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Single(result.Trials, t => t.Number > 0 && t.Parameters == Knobs.Decode(Lost));
    }

    [Fact]
    public void A_rerun_abandoned_in_turn_is_not_run_a_third_time()
    {
        using var storage = WithAbandonedTrial(out long studyId);
        storage.FailStaleTrials(studyId, DateTimeOffset.UtcNow.AddMinutes(-1), "abandoned: the process running it stopped");
        storage.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-10);
        storage.FinishAndCreate(studyId, null, 0, (_, _) => new NewTrial(Lost, RetryOf: 0));   // its rerun (as a sweep makes one), abandoned too
        storage.Clock = () => DateTimeOffset.UtcNow;
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(3, retry: true), sampler: null, storage: storage);
        Assert.Equal([TrialState.Failed, TrialState.Failed], result.Trials.Take(2).Select(t => t.State));
        Assert.Equal(2, result.Trials.Count(t => t.Parameters == Knobs.Decode(Lost)));
        Assert.Equal(3, result.Trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public void Without_the_option_an_abandoned_trial_is_only_failed()
    {
        using var storage = WithAbandonedTrial(out _);
        var result = Sweep.Run<Knobs>(t => Loss(t.Parameters), Options(3, retry: false), sampler: null, storage: storage);
        Assert.Equal(TrialState.Failed, result.Trials[0].State);
        Assert.Single(result.Trials, t => t.Parameters == Knobs.Decode(Lost));
        Assert.Equal(3, result.Trials.Count(t => t.State == TrialState.Complete));
    }
}
