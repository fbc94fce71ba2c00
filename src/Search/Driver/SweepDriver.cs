using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Attune.Search;

/// <summary>Runs one sweep: opens the study, runs the workers' trial loops, and collects the result.</summary>
internal sealed class SweepDriver<T> : ILiveSweep where T : ITuneSpace<T>
{
    private static readonly Action<ILogger, int, string, string, string, long, Exception?> LogTrial =
        LoggerMessage.Define<int, string, string, string, long>(LogLevel.Information, new EventId(1, "TrialEnded"),
            "Trial {Number} {State} value {Value} params {Params} in {DurationMs} ms");
    private static readonly Action<ILogger, string, string, Exception?> LogWarning =
        LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(2, "SweepWarning"), "Study '{Study}': {Message}");
    private static readonly Action<ILogger, string, Exception?> LogStart =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(3, "SweepStarted"), "{Start}");

    private readonly Func<Trial<T>, Task<TrialScores>> objective;
    private readonly SweepOptions options;
    private readonly ISampler sampler;
    private readonly IPruner? pruner;
    private readonly IStudyStorage storage;
    private readonly IProgress<SweepProgress>? progress;
    private readonly ILogger? logger;
    private readonly SearchSpace space = T.Space;
    private readonly Direction direction;

    private StudyInfo study = null!;
    private StudyCache cache = null!;
    private readonly ConcurrentDictionary<long, byte> running = new();
    private readonly ConcurrentQueue<string> failures = new();
    private int failedThisRun;
    private volatile bool stop;

    public SweepDriver(Func<Trial<T>, Task<double>> objective, SweepOptions options, ISampler sampler, IPruner? pruner, IStudyStorage storage,
        IProgress<SweepProgress>? progress, ILogger? logger)
        : this(async trial => TrialScores.Single(await objective(trial).ConfigureAwait(false)), options, sampler, pruner, storage, progress, logger)
    {
    }

    /// <summary>A driver whose objective returns a score (several objectives, constraints); <see cref="Schema"/> says
    /// which.</summary>
    public SweepDriver(Func<Trial<T>, Task<TrialScores>> objective, SweepOptions options, ISampler sampler, IPruner? pruner, IStudyStorage storage,
        IProgress<SweepProgress>? progress, ILogger? logger)
    {
        this.objective = objective;
        this.options = options;
        this.sampler = sampler;
        this.pruner = pruner;
        this.storage = storage;
        this.progress = progress;
        this.logger = logger;
        direction = options.Direction;
        timings = SweepTimings.For(options);
    }

    private readonly SweepTimings timings;

    private string StudyName => options.StudyName ?? space.Name;

    /// <summary>The sampler, pruner and seed as text, recorded with the study (<see cref="IStudyStorage.RecordSettings"/>);
    /// null: not recorded (a driver made without <see cref="Sweep"/>).</summary>
    public string? Settings { get; init; }

    /// <summary>The score's objectives and constraints when the objective returns an <c>[ObjectiveScore]</c> type; null
    /// for a plain number. With several objectives or constraints, the sampler weighs them (<see cref="Sample"/>).</summary>
    public ObjectiveSchema? Schema { get; init; }

    /// <summary>The sampler's proposal: a multi-objective sampler gets every direction; a plain one, when the score
    /// has several objectives or constraints, gets each finished trial's Pareto rank as its value
    /// (<see cref="ParetoRankHistory"/>), so TPE's good set is the best non-dominated, feasible trials.</summary>
    private double[] Sample(IReadOnlyList<FrozenTrial> history, Random random)
    {
        if (Schema is null) return sampler.Sample(space, history, direction, random);
        if (sampler is IMultiObjectiveSampler multi) return multi.Sample(space, history, Schema.Directions, random);
        if (Schema.Objectives.Count == 1 && Schema.Constraints.Count == 0) return sampler.Sample(space, history, direction, random);
        var (ranked, rankedDirection) = ParetoRankHistory.ForSingleObjectiveSampler(history, Schema.Directions);
        return sampler.Sample(space, ranked, rankedDirection, random);
    }

    /// <summary>Says which study in which storage this run created or resumed, and what it holds, before the first trial
    /// (a user who reruns a finished sweep sees why nothing runs). Costs the read that the first step would do anyway.</summary>
    private void Announce(bool created, string? earlierSettings, SpaceMigration? migration, WarmStartReport? warmStart)
    {
        cache.Refresh();
        var trials = cache.Trials();
        var start = new SweepStart(study.Name, storage.Location, created,
            trials.Count(t => t.State == TrialState.Complete), trials.Count(t => t.State == TrialState.Pruned),
            trials.Count(t => t.State == TrialState.Failed), trials.Count(t => t.State == TrialState.Running), options.Trials)
        { Settings = Settings, EarlierSettings = earlierSettings, Migration = migration, WarmStart = warmStart, Copied = trials.Count(t => t.CopiedFrom is not null),
            CopiedFinished = trials.Count(t => t.CopiedFrom is not null && t.State is TrialState.Complete or TrialState.Pruned) };
        if (logger is not null) LogStart(logger, start.ToString(), null);
        (progress as ISweepStartObserver)?.Started(start);
    }

    /// <summary>Copies the trials of <see cref="SweepOptions.WarmStartFrom"/> into the study (once; a later run finds them
    /// copied), and logs what was not copied and why; null without a warm start.</summary>
    private WarmStartReport? WarmStart()
    {
        if (options.WarmStartFrom is not { } name) return null;
        using var other = options.WarmStartStorage is null ? null : StudyStorage.OpenExisting(options.WarmStartStorage);
        var from = options.WarmStartStorage is null ? storage : other
            ?? throw new InvalidOperationException($"WarmStartStorage names {StudyStorage.Shown(options.WarmStartStorage!)}, which holds no studies; expected the storage of study '{name}'.");
        var source = from.FindStudy(name)
            ?? throw new InvalidOperationException($"WarmStartFrom names study '{name}', which is not in {from.Location}; expected an existing study (or set WarmStartStorage to where it is).");
        var report = StudyEvolution.CopyTrials(from, source, storage, study, space, options.SpaceChange);
        if (logger is not null && !report.AlreadyCopied)
        {
            LogWarning(logger, study.Name, $"warm start: {report}.", null);
            foreach (var (number, why) in report.NotCopied)
                LogWarning(logger, study.Name, $"warm start: trial {number} of {report.Source} not copied: {why}.", null);
        }
        return report;
    }

    public async Task<SweepResult<T>> RunAsync(CancellationToken cancellationToken)
    {
        SweepProfile.Mark("sweep entered");
        long opened = SweepProfile.Start();
        // Whether this run creates the study, for the start line; asked only when someone will read that line.
        bool announce = logger is not null || progress is ISweepStartObserver;
        bool existed = announce && storage.FindStudy(StudyName) is not null;
        // A changed space is migrated only with the explicit opt-in (SweepOptions.SpaceChange), and recorded.
        (study, var migration) = StudyEvolution.Open(storage, StudyName, space, direction, options.SpaceChange);
        if (migration is not null && logger is not null)
            LogWarning(logger, study.Name, $"its search space was migrated ({string.Join("; ", migration.Changes)}); every earlier trial is kept.", null);
        var warmStart = WarmStart();
        using var live = LiveSweeps.Register(this);
        // A trial left Running by a process of this machine that is gone (a crash, kill -9) is failed at once; one whose
        // worker may be alive elsewhere waits for the heartbeat rule (logged where the sweep waits for it).
        FailTrialsOfGoneWorkers(storage.RunningTrials(study.Id));
        var abandoned = storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow - timings.StaleAfter, TrialErrors.AbandonedError);
        if (abandoned.Count > 0 && logger is not null)
            LogWarning(logger, study.Name, $"trial(s) {string.Join(", ", abandoned)} were left Running by a process that stopped; marked Failed as abandoned.", null);
        // Empty until the first step: its read brings every trial of the study (changes since sequence 0), so a read here
        // would only add a round trip before the first trial.
        cache = new StudyCache(storage, study.Id, direction);
        string? earlier = Settings is null ? null : storage.RecordSettings(study.Id, Settings);
        string? changed = earlier is not null && earlier != Settings ? earlier : null;
        if (changed is not null && logger is not null)
            LogWarning(logger, study.Name, $"it was created with {changed}; this run uses {Settings}. Its {cache.Counts().Finished} finished trials are kept and " +
                "the new settings continue from them (a seeded rerun does not repeat the first run's trials). Use another StudyName to start afresh.", null);
        if (announce) Announce(!existed, changed, migration, warmStart);
        SweepProfile.Add("open study", opened);

        using var timeout = new CancellationTokenSource();
        if (options.Timeout is { } limit) timeout.CancelAfter(limit);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        using var heartbeat = new Timer(_ => Heartbeat(), null, timings.HeartbeatInterval, timings.HeartbeatInterval);

        // A dedicated thread per worker: a synchronous objective blocks its thread for the whole trial, and waiting for
        // the thread pool to grow would serialise the workers (an async objective moves to the pool at its first await).
        slots = Enumerable.Range(0, options.Workers).Select(_ => new WorkerSlot()).ToArray();
        var workers = slots
            .Select(slot => Task.Factory.StartNew(() => WorkerLoopAsync(slot, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        try
        {
            await WaitForWorkersAsync(workers, token, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stop = true;
            throw;
        }

        if (options.MaxFailedTrials >= 0 && failedThisRun > options.MaxFailedTrials)
        {
            var last = failures.Reverse().Take(5).Reverse();
            throw new InvalidOperationException(
                $"Sweep of study '{study.Name}' stopped: {failedThisRun} trials failed in this run, more than MaxFailedTrials ({options.MaxFailedTrials}). " +
                $"Completed trials are stored in {storage.Location}. Last errors:\n" + string.Concat(last.Select(e => "  " + e + "\n")) +
                "Fix the objective (or raise SweepOptions.MaxFailedTrials; -1 for no limit) and run again: the study resumes.");
        }

        cache.Refresh();
        SweepProfile.Report(study.Name);
        bool cancelled = cancellationToken.IsCancellationRequested;
        bool timedOut = !cancelled && timeout.IsCancellationRequested;
        var trials = cache.Trials().Select(ToResult).ToList();
        return new SweepResult<T>(study.Name, direction, trials, cancelled, timedOut);
    }

    /// <summary>
    /// Waits for the workers. Once the sweep is cancelled or times out, waits at most <see cref="SweepOptions.CancellationGrace"/>
    /// more (saying which trials it waits for); then gives up on the trials still in their objective, stores them as
    /// cancelled, and returns once the other workers have stored their results.
    /// </summary>
    private async Task WaitForWorkersAsync(Task[] workers, CancellationToken token, CancellationToken callerToken)
    {
        var all = Task.WhenAll(workers);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => fired.TrySetResult()))
            if (await Task.WhenAny(all, fired.Task).ConfigureAwait(false) == all) { await all.ConfigureAwait(false); return; }

        string why = callerToken.IsCancellationRequested ? "was cancelled" : $"reached its Timeout ({Seconds(options.Timeout ?? TimeSpan.Zero)} s)";
        var grace = options.CancellationGrace;
        var inObjective = slots.Where(w => w.Trial is not null).Select(w => w.Trial!).ToList();
        if (inObjective.Count > 0 && logger is not null)
            LogWarning(logger, study.Name, $"the sweep {why}; waiting {(grace is { } g ? $"up to {Seconds(g)} s" : "as long as it takes (CancellationGrace is null)")} for " +
                $"{string.Join(", ", inObjective.Select(t => $"trial {t.Number} (running {Seconds(DateTimeOffset.UtcNow - t.Since)} s)"))} to return.", null);
        if (grace is null || await Task.WhenAny(all, Task.Delay(grace.Value)).ConfigureAwait(false) == all) { await all.ConfigureAwait(false); return; }

        // Give up on the trials still in their objective: their threads go on in the background, unheard.
        stop = true;
        var stuck = new List<(WorkerSlot Slot, RunningObjective Trial)>();
        foreach (var slot in slots)
            if (slot.Detach() is { } trial) stuck.Add((slot, trial));
        var others = workers.Where((_, i) => !slots[i].Detached).ToArray();
        try { await Task.WhenAll(others).ConfigureAwait(false); }
        finally
        {
            // A stuck worker may have a step under way (its last result, a trial created ahead): let it land first.
            foreach (var (slot, _) in stuck)
                if (slot.Ahead is { } ahead)
                    try { await ahead.ConfigureAwait(false); } catch (Exception e) when (e is not OutOfMemoryException) { }
            foreach (var (_, trial) in stuck)
            {
                string error = $"cancelled: the sweep {why} and the objective did not return within CancellationGrace ({Seconds(grace.Value)} s) of its cancellation token " +
                    "firing; it was left running in the background and its result is discarded (pass trial.CancellationToken to the work it does)";
                running.TryRemove(trial.Id, out _);
                storage.FinishTrial(new TrialOutcome(trial.Id, TrialState.Failed, null, error) { Failure = TrialFailure.Cancelled, Started = trial.Since, Finished = DateTimeOffset.UtcNow });
                if (logger is not null) LogWarning(logger, study.Name, $"trial {trial.Number} did not return within {Seconds(grace.Value)} s of cancellation; stored as cancelled and left behind.", null);
            }
            // Anything else the stuck workers held (a trial created ahead) never began.
            foreach (var id in running.Keys.ToArray())
            {
                running.TryRemove(id, out _);
                storage.FinishTrial(new TrialOutcome(id, TrialState.Failed, null, NotStartedError) { Failure = TrialFailure.Cancelled });
            }
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static TrialResult<T> ToResult(StoredTrial t)
        => new(t.Number, T.Decode(t.Values), t.State, t.Value, t.Intermediate, t.Error, t.Finished is { } f ? f - t.Started : null)
            { Failure = t.Failure, RetryOf = t.RetryOf, Objectives = t.Objectives, Constraints = t.Constraints };

    /// <summary>A trial this worker ran whose result is not stored yet.</summary>
    private sealed record Ran(TrialOutcome Outcome, int Number, IReadOnlyList<double> Values, long DurationMs);

    /// <summary>A trial in its objective: what the driver needs to give up on it.</summary>
    private sealed record RunningObjective(long Id, int Number, DateTimeOffset Since, Sink Sink);

    /// <summary>One worker's state as the rest of the driver sees it: the trial in its objective, the step under way, and
    /// whether the driver gave up on it (then nothing the worker does afterwards reaches the study).</summary>
    private sealed class WorkerSlot
    {
        private RunningObjective? trial;
        private bool detached;

        public RunningObjective? Trial { get { lock (this) return trial; } }
        public bool Detached { get { lock (this) return detached; } }
        public volatile Task<(StoredTrial? Created, bool Final)>? Ahead;

        /// <summary>Enters an objective; false when the driver already gave up on this worker.</summary>
        public bool Enter(RunningObjective t) { lock (this) { if (detached) return false; trial = t; return true; } }

        /// <summary>Leaves the objective; false when the driver gave up on it meanwhile (its result must be dropped).</summary>
        public bool Leave() { lock (this) { trial = null; return !detached; } }

        /// <summary>Gives up on the trial in the objective, if any, and returns it; its reports are dropped from now on.</summary>
        public RunningObjective? Detach()
        {
            lock (this)
            {
                if (trial is null) return null;
                detached = true;
                trial.Sink.Close();
                return trial;
            }
        }
    }

    private WorkerSlot[] slots = Array.Empty<WorkerSlot>();

    private async Task WorkerLoopAsync(WorkerSlot slot, CancellationToken token)
    {
        // The trial this worker ran last, not yet stored: it is stored together with the creation of the next one
        // (IStudyStorage.FinishAndCreate), one step between trials instead of three. Its id stays in `running` (so its
        // heartbeat goes on) until it is stored.
        Ran? pending = null;
        // With CreateAhead, that step runs while the next trial's objective does, and leaves the trial after it here.
        StoredTrial? next = null;
        Task<(StoredTrial? Created, bool Final)>? ahead = null;
        // For CreateAhead.Auto: this worker's fastest step and fastest trial so far (the first ones pay for JIT
        // compilation; the fastest is what the work itself costs).
        double stepMs = double.PositiveInfinity, trialMs = double.PositiveInfinity;
        int trialsRun = 0;
        try
        {
            while (!stop && !token.IsCancellationRequested)
            {
                var created = next;
                next = null;
                if (created is null)
                {
                    var finish = pending;
                    pending = null;   // from here on the storage owns it: Step stores it whatever the decision
                    long began = Stopwatch.GetTimestamp();
                    var (made, final) = Step(finish, createAhead: false);
                    stepMs = Math.Min(stepMs, Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                    if (made is null)
                    {
                        // Enough trials are under way. If some are other workers', stay until each has shown a heartbeat
                        // (its worker is alive and will finish it) or has been failed as abandoned (then run another).
                        if (final || !await OthersMayNeedUsAsync(token).ConfigureAwait(false)) return;
                        continue;
                    }
                    created = made;
                }
                SweepProfile.Mark("first trial created");
                bool createNow = ShouldCreateAhead(stepMs, trialMs, trialsRun);
                // The last result is still to store when this trial was created ahead: store it now, in the background,
                // with or without creating the trial after this one.
                if (createNow || pending is not null)
                {
                    var finish = pending;
                    pending = null;
                    // On the thread pool (a pool thread that spins before it sleeps wakes fastest). The worker itself
                    // never holds a pool thread with a synchronous objective (StayOnThisThread), so the pool has room.
                    ahead = Task.Run(() =>
                    {
                        long began = Stopwatch.GetTimestamp();
                        var result = createNow ? Step(finish, createAhead: true) : StoreOnly(finish!);
                        stepMs = Math.Min(stepMs, Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                        return result;
                    });
                    slot.Ahead = ahead;
                }
                bool ran = false;
                var startedAt = DateTimeOffset.UtcNow;
                try
                {
                    var sink = new Sink(this, created);
                    if (!slot.Enter(new RunningObjective(created.Id, created.Number, startedAt, sink))) return;
                    var (outcome, durationMs) = await RunTrialAsync(created, sink, token).ConfigureAwait(false);
                    // The driver gave up on this trial while it ran (CancellationGrace) and stored it: drop the result.
                    if (!slot.Leave()) { ran = true; return; }
                    // The stored start and end are the objective's (a trial created ahead waited for the one before it,
                    // and a result may be stored during the next trial).
                    outcome = outcome with { Started = startedAt, Finished = DateTimeOffset.UtcNow };
                    pending = new Ran(outcome, created.Number, created.Values, durationMs);
                    trialMs = Math.Min(trialMs, (DateTimeOffset.UtcNow - startedAt).TotalMilliseconds);
                    trialsRun++;
                    ran = true;
                }
                finally
                {
                    if (!ran) running.TryRemove(created.Id, out _);
                }
                if (ahead is not null)
                {
                    var task = ahead;
                    ahead = null;
                    next = (await StayOnThisThread(task)).Created;
                }
            }
        }
        finally
        {
            // Stopped (failure limit, cancellation, an error) with a result not yet stored: store it alone. A step still
            // under way is waited for first (it may hold the result before this one and may create a trial). A worker
            // the driver gave up on touches nothing: the driver stored what it held, and the storage may be closed.
            if (!slot.Detached)
            {
                if (ahead is not null)
                {
                    try { next = (await StayOnThisThread(ahead)).Created; }
                    catch (Exception e) when (e is not OutOfMemoryException) { /* the loop's own exception is the one to report */ }
                }
                if (pending is not null)
                {
                    try { storage.FinishTrial(pending.Outcome); }
                    finally { running.TryRemove(pending.Outcome.TrialId, out _); }
                    cache.Refresh();
                    Stored(pending);
                }
                // A trial created ahead that never started: kept, as a cancelled one is, so its number is accounted for.
                if (next is not null)
                {
                    try { storage.FinishTrial(new TrialOutcome(next.Id, TrialState.Failed, null, NotStartedError) { Failure = TrialFailure.Cancelled }); }
                    finally { running.TryRemove(next.Id, out _); }
                    cache.Refresh();
                }
            }
        }
    }

    /// <summary>
    /// The lowest-numbered trial failed as abandoned that has not been run again and is not itself a rerun, or null. Both
    /// are read from the trials' stored <see cref="FrozenTrial.RetryOf"/> (written with the rerun's creation, in the same
    /// transaction as the decision), never from the error's wording or from equal parameters.
    /// </summary>
    internal static FrozenTrial? AbandonedToRetry(IReadOnlyList<FrozenTrial> history)
    {
        HashSet<int>? rerun = null;
        foreach (var t in history)
            if (t.RetryOf is { } of) (rerun ??= new HashSet<int>()).Add(of);
        foreach (var a in history)
            if (a is { State: TrialState.Failed, Failure: TrialFailure.Abandoned, RetryOf: null } && rerun?.Contains(a.Number) != true) return a;
        return null;
    }

    /// <summary>
    /// The step's result. On the worker's own thread (a synchronous objective keeps the loop there) it waits on that
    /// thread: awaiting would move the loop, and the next synchronous objective, onto a pool thread for a whole trial.
    /// On a pool thread (an asynchronous objective moved it there) it awaits.
    /// </summary>
    private static async ValueTask<(StoredTrial? Created, bool Final)> StayOnThisThread(Task<(StoredTrial? Created, bool Final)> step)
    {
        if (step.IsCompleted || !Thread.CurrentThread.IsThreadPoolThread) return step.GetAwaiter().GetResult();
        return await step.ConfigureAwait(false);
    }

    /// <summary>Stores a result alone (no trial is created after it).</summary>
    private (StoredTrial? Created, bool Final) StoreOnly(Ran finish)
    {
        cache.ApplyOwn(finish.Outcome, finish.Number);
        try { storage.FinishTrial(finish.Outcome); }
        finally { running.TryRemove(finish.Outcome.TrialId, out _); }
        Stored(finish);
        return (null, false);
    }

    /// <summary>The error of a trial created ahead that the sweep stopped before it began; like a trial cut short by
    /// cancellation, it does not count toward MaxFailedTrials.</summary>
    internal const string NotStartedError = "cancelled: the sweep stopped before this trial, created ahead, began";

    /// <summary>Whether the next trial is created while this one runs (<see cref="SweepOptions.CreateAhead"/>).</summary>
    private bool ShouldCreateAhead(double stepMs, double trialMs, int trialsRun) => options.CreateAhead switch
    {
        CreateAhead.Always => true,
        CreateAhead.Never => false,
        // Auto: only where the order of trials already depends on timing (several workers in this process, or other
        // processes' trials running in the study), so a seeded sweep with one worker stays reproducible run for run.
        // Then, once a trial has run (a sweep of long trials never holds a trial it did not need: a cancelled or killed
        // worker leaves nothing extra behind), ahead while the fastest step costs more than 1% of the fastest trial and
        // no more than a whole one: then the step hides behind the trial. A trial shorter than the step (a function
        // evaluated in microseconds) would wait for the step anyway; there the sampler keeps every result.
        _ => (options.Workers > 1 || cache.Counts().Running > running.Count) && trialsRun >= 1 && stepMs > 0.01 * trialMs && stepMs <= trialMs,
    };

    /// <summary>
    /// A worker's step between trials: stores <paramref name="finish"/> (if any) and creates the next trial (or none:
    /// the target is covered; <c>Final</c> when it is reached or the grid is exhausted). A trial created ahead
    /// (<paramref name="createAhead"/>) is created only while more trials are left than are under way.
    /// </summary>
    private (StoredTrial? Created, bool Final) Step(Ran? finish, bool createAhead)
    {
        bool final = false;
        int? retryOf = null;
        long creating = SweepProfile.Start();
        // The decision sees this worker's own result even where the storage commits it with the creation.
        if (finish is not null) cache.ApplyOwn(finish.Outcome, finish.Number);
        StoredTrial? created;
        try
        {
            created = storage.FinishAndCreate(study.Id, finish?.Outcome, cache.Seq, (number, changes) =>
            {
                // The counts are exact across workers and processes: the storage creates this trial only if no
                // other trial was created since these changes were read, so the sampler sees every Running trial.
                cache.Apply(changes);
                var (finished, runningNow) = cache.Counts();
                if (finished >= options.Trials) { final = true; return null; }
                if (finished + runningNow >= options.Trials) return null;
                if (createAhead && options.Trials - finished - runningNow <= runningNow) return null;
                var history = cache.History();
                // An abandoned trial comes first (decided on exact history, so two workers never retry the same one).
                retryOf = null;
                if (options.RetryAbandoned && AbandonedToRetry(history) is { } abandoned)
                {
                    retryOf = abandoned.Number;
                    return new NewTrial(abandoned.Values.ToArray(), abandoned.Number);
                }
                // Then an enqueued configuration, claimed in the transaction that creates its trial (so it runs once).
                if (changes.Queued is { } queued)
                    return new NewTrial(queued.Values.ToArray()) { Queued = queued.Id };
                // A finished grid ends the sweep normally: every point ran once, there is nothing left to try.
                if (sampler is GridSampler grid && grid.IsExhausted(space, history)) { final = true; return null; }
                long sampling = SweepProfile.Start();
                var values = Sample(SweepAlgorithms.HistoryForSampler(sampler, pruner, number, history), TrialSeeds.For(options.Seed, number));
                SweepProfile.Add("sample", sampling);
                if (values is null || values.Length != space.Parameters.Count)
                    throw new InvalidOperationException($"The sampler {sampler.GetType().Name} returned {values?.Length.ToString(CultureInfo.InvariantCulture) ?? "null"} values; the space '{space.Name}' has {space.Parameters.Count} parameters.");
                return values;
            });
            // In `running` from its creation: a trial created ahead is heartbeated while it waits.
            if (created is not null)
            {
                running[created.Id] = 0;
                cache.AddOwn(created);
                if (retryOf is { } a && logger is not null)
                    LogWarning(logger, study.Name, $"trial {created.Number} runs abandoned trial {a} again, with the same parameters (RetryAbandoned).", null);
            }
        }
        finally
        {
            if (finish is not null) running.TryRemove(finish.Outcome.TrialId, out _);
        }
        SweepProfile.Add((finish is null ? "step: create" : "step: finish + create") + (createAhead ? " (ahead)" : ""), creating);
        if (finish is not null) Stored(finish);
        return (created, final);
    }

    /// <summary>
    /// Called when the target is covered by finished and Running trials. Returns true when a trial may be needed again
    /// (one was failed as abandoned, or one ended); false when the target is reached or every Running trial belongs to
    /// this process or to a worker that proved alive by a new heartbeat.
    /// </summary>
    private async Task<bool> OthersMayNeedUsAsync(CancellationToken token)
    {
        var firstSeen = new Dictionary<long, DateTimeOffset>();
        var alive = new HashSet<long>();
        while (!stop && !token.IsCancellationRequested)
        {
            cache.Refresh();
            var (finished, runningNow) = cache.Counts();
            if (finished >= options.Trials) return false;
            var foreign = storage.RunningTrials(study.Id).Where(t => !running.ContainsKey(t.Id)).ToList();
            if (foreign.Count == 0) return finished + running.Count < options.Trials;
            if (finished + runningNow < options.Trials) return true;
            if (FailTrialsOfGoneWorkers(foreign) > 0) return true;
            foreach (var t in foreign)
            {
                if (!firstSeen.TryGetValue(t.Id, out var first))
                {
                    firstSeen[t.Id] = t.Heartbeat;
                    LogWait(t);
                }
                else if (t.Heartbeat > first) alive.Add(t.Id);
            }
            if (foreign.All(t => alive.Contains(t.Id))) return false;
            if (FailSilentTrials() > 0) return true;
            try { await Task.Delay(timings.TailPoll, token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return false; }
        }
        return false;
    }

    /// <summary>Says that the sweep waits for another worker's trial: which, whose, and for how long at most.</summary>
    private void LogWait(RunningTrial t)
    {
        if (logger is null) return;
        var age = DateTimeOffset.UtcNow - t.Heartbeat;
        var left = timings.StaleAfter - age;
        LogWarning(logger, study.Name, $"waiting for trial {t.Number}, run by {WorkerIdentity.Short(t.Worker)} (last heartbeat {Seconds(age < TimeSpan.Zero ? TimeSpan.Zero : age)} s ago): " +
            (left > TimeSpan.Zero
                ? $"if that worker is alive it finishes the trial; if it stopped, the trial is failed as abandoned in at most {Seconds(left)} s ({SweepTimings.StaleAfterVariable} sets the grace period)."
                : "its worker is silent past the grace period; failing it as abandoned."), null);
    }

    bool ILiveSweep.Holds(string location, long studyId, long trialId)
        => study is { } s && s.Id == studyId && running.ContainsKey(trialId) && string.Equals(location, storage.Location, StringComparison.Ordinal);

    /// <summary>
    /// Fails, at once, the given Running trials that nobody will finish, so there is nothing to wait for: those whose
    /// worker is a process of this machine that is gone (a crash, kill -9), and those of this very process that no sweep
    /// of it holds (an earlier sweep here stopped with an error before it could store them; a trial is held from the
    /// moment its creation returns, so one younger than a second is left alone). Returns how many.
    /// </summary>
    private int FailTrialsOfGoneWorkers(IReadOnlyList<RunningTrial> trials)
    {
        int count = 0;
        var settled = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(1);
        foreach (var byWorker in trials.Where(t => !running.ContainsKey(t.Id)).GroupBy(t => t.Worker ?? ""))
        {
            bool gone = WorkerIdentity.IsGone(byWorker.Key);
            var orphans = gone ? byWorker.ToList()
                : byWorker.Key == WorkerIdentity.Current ? byWorker.Where(t => t.Heartbeat < settled && !LiveSweeps.Hold(storage.Location, study.Id, t.Id)).ToList()
                : null;
            if (orphans is not { Count: > 0 }) continue;
            string error = gone ? TrialErrors.GoneError(byWorker.Key) : TrialErrors.OrphanError;
            var failed = storage.FailTrials(study.Id, orphans.Select(t => t.Id).ToList(), error);
            count += failed.Count;
            if (failed.Count > 0 && logger is not null)
                LogWarning(logger, study.Name, $"trial(s) {string.Join(", ", failed)} were left Running by " +
                    (gone ? $"{WorkerIdentity.Short(byWorker.Key)}, a process of this machine that is no longer running" : "an earlier sweep of this process that stopped with an error") +
                    $"; marked Failed as abandoned{(options.RetryAbandoned ? " (RetryAbandoned runs each again)" : "")}.", null);
        }
        return count;
    }

    /// <summary>Fails other workers' Running trials whose heartbeat is older than the grace period; returns how many.</summary>
    private int FailSilentTrials()
    {
        var failed = storage.FailStaleTrials(study.Id, DateTimeOffset.UtcNow - timings.StaleAfter, timings.SilentError);
        if (failed.Count > 0 && logger is not null)
            LogWarning(logger, study.Name, $"trial(s) {string.Join(", ", failed)} showed no heartbeat for more than {timings.StaleAfter.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; marked Failed as abandoned.", null);
        return failed.Count;
    }

    /// <summary>Runs the objective on a created trial; returns how it ended (stored by the caller) and how long it took.</summary>
    private async Task<(TrialOutcome Outcome, long DurationMs)> RunTrialAsync(StoredTrial created, Sink sink, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        Trial<T>? trial = null;
        TrialScores scores = TrialScores.Single(double.NaN);
        Exception? error = null;
        bool leftBehind = false;
        // With a TrialTimeout, the trial's token also fires when its time is up.
        using var limit = options.TrialTimeout is not null ? CancellationTokenSource.CreateLinkedTokenSource(token) : null;
        limit?.CancelAfter(options.TrialTimeout!.Value);
        var trialToken = limit?.Token ?? token;
        try
        {
            trial = new Trial<T>(created.Number, T.Decode(created.Values), sink, trialToken);
            if (options.TrialTimeout is { } bound)
            {
                // On a thread of its own, so that an objective that ignores its token can be left behind.
                var t = trial;
                var call = Task.Factory.StartNew(() => objective(t), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
                if (!await WaitAsync(call, options.CancellationGrace is { } grace ? bound + grace : null).ConfigureAwait(false))
                {
                    sink.Close();
                    leftBehind = true;
                }
                else scores = await call.ConfigureAwait(false);
            }
            else scores = await objective(trial).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        clock.Stop();

        bool trialTimedOut = limit is not null && limit.IsCancellationRequested && !token.IsCancellationRequested;
        double result = scores.Objectives.Length > 0 ? scores.Objectives[0] : double.NaN;
        string? notFinite = error is null ? NotFinite(scores) : null;
        bool cancelled = trialToken.IsCancellationRequested && (IsCancellation(error) || notFinite is not null);
        TrialState state;
        double? value = null;
        string? message = null;
        TrialFailure? failure = null;
        if (leftBehind)
        {
            state = TrialState.Failed;
            failure = TrialFailure.Timeout;
            message = $"timeout: the trial ran longer than TrialTimeout ({Seconds(options.TrialTimeout!.Value)} s) and did not return within CancellationGrace " +
                $"({Seconds(options.CancellationGrace!.Value)} s) of its cancellation token firing; it was left running in the background and its result is discarded " +
                "(pass trial.CancellationToken to the work it does)";
        }
        else if (trial is { ShouldPrune: true })
        {
            state = TrialState.Pruned;
            value = sink.LastValue;
        }
        else if (cancelled && trialTimedOut)
        {
            state = TrialState.Failed;
            failure = TrialFailure.Timeout;
            message = $"timeout: the trial ran longer than TrialTimeout ({Seconds(options.TrialTimeout!.Value)} s) and stopped at its cancellation token";
        }
        else if (cancelled)
        {
            // Documented choice: a trial cut short by cancellation or the timeout is kept, as Failed, with a reason;
            // it does not count toward MaxFailedTrials. An objective that waits with Task.Wait() throws the
            // cancellation wrapped in an AggregateException; one that catches it may return NaN: both are cancellations.
            state = TrialState.Failed;
            failure = TrialFailure.Cancelled;
            message = "cancelled: the sweep was cancelled or timed out while the trial ran";
        }
        else if (error is not null)
        {
            state = TrialState.Failed;
            failure = TrialFailure.Error;
            var shown = error is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : error;
            message = $"{shown.GetType().FullName}: {shown.Message}";
        }
        else if (notFinite is not null)
        {
            state = TrialState.Failed;
            failure = TrialFailure.Error;
            message = notFinite;
        }
        else
        {
            state = TrialState.Complete;
            value = result;
        }

        if (failure is TrialFailure.Error or TrialFailure.Timeout)
        {
            failures.Enqueue($"trial {created.Number}: {message}");
            while (failures.Count > 20) failures.TryDequeue(out _);
            int failed = Interlocked.Increment(ref failedThisRun);
            if (options.MaxFailedTrials >= 0 && failed > options.MaxFailedTrials) stop = true;
        }
        if (leftBehind && logger is not null)
            LogWarning(logger, study.Name, $"trial {created.Number} ignored its cancellation token for {Seconds(options.CancellationGrace!.Value)} s after its TrialTimeout; stored as Failed and left behind.", null);
        bool scored = state == TrialState.Complete && Schema is not null;
        return (new TrialOutcome(created.Id, state, value, message)
        {
            Failure = failure,
            Objectives = scored ? scores.Objectives : null,
            Constraints = scored && scores.Constraints.Length > 0 ? scores.Constraints : null,
        }, clock.ElapsedMilliseconds);
    }

    /// <summary>Why a score cannot be stored (a value that is not finite, naming the member when there is a schema), or
    /// null when it can.</summary>
    private string? NotFinite(TrialScores scores)
    {
        for (int i = 0; i < scores.Objectives.Length; i++)
            if (!double.IsFinite(scores.Objectives[i]))
                return Schema is null
                    ? $"the objective returned {scores.Objectives[i].ToString(CultureInfo.InvariantCulture)}, not a finite value"
                    : $"the objective returned {Schema.Objectives[i].Name} = {scores.Objectives[i].ToString(CultureInfo.InvariantCulture)}, not a finite value";
        for (int i = 0; i < scores.Constraints.Length; i++)
            if (!double.IsFinite(scores.Constraints[i]))
                return $"the objective returned constraint {Schema?.Constraints[i]} = {scores.Constraints[i].ToString(CultureInfo.InvariantCulture)}, not a finite value";
        return null;
    }

    /// <summary>Whether <paramref name="e"/> is a cancellation: an <see cref="OperationCanceledException"/>, or an
    /// <see cref="AggregateException"/> (Task.Wait, Task.Result) holding only cancellations.</summary>
    internal static bool IsCancellation(Exception? e) => e switch
    {
        OperationCanceledException => true,
        AggregateException a => a.Flatten().InnerExceptions is { Count: > 0 } inner && inner.All(i => i is OperationCanceledException),
        _ => false,
    };

    /// <summary>Waits for <paramref name="call"/> at most <paramref name="limit"/> (null: as long as it takes); false when
    /// the time ran out. Blocks on the worker's own thread, as <see cref="StayOnThisThread"/> does, and awaits on a pool thread.</summary>
    private static async ValueTask<bool> WaitAsync(Task call, TimeSpan? limit)
    {
        if (call.IsCompleted || limit is null) { await call.ConfigureAwait(false); return true; }
        if (!Thread.CurrentThread.IsThreadPoolThread) return Task.WaitAny(new[] { call }, limit.Value) == 0;
        return await Task.WhenAny(call, Task.Delay(limit.Value)).ConfigureAwait(false) == call;
    }

    /// <summary>Logs and reports a trial once its result is in storage (and in the cache).</summary>
    private void Stored(Ran ran)
    {
        var (outcome, number, values, durationMs) = ran;
        if (logger is not null)
            LogTrial(logger, number, outcome.Error is null ? outcome.State.ToString() : $"{outcome.State} ({outcome.Error})",
                outcome.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "-", StudyCodec.ParamsJson(space, values), durationMs, null);
        if (progress is not null)
        {
            var (finished, _) = cache.Counts();
            var best = cache.Best();
            progress.Report(new SweepProgress(finished, options.Trials, number, outcome.State, outcome.Value, best?.Value, best?.Number));
        }
    }

    private int heartbeating;

    private void Heartbeat()
    {
        // A tick that finds the last one still at work (the storage retrying a lost connection) skips.
        if (Interlocked.Exchange(ref heartbeating, 1) == 1) return;
        try
        {
            var ids = running.Keys.ToArray();
            if (ids.Length > 0) storage.Heartbeat(ids);
            // Any live worker fails a silent worker's trials, so the study still reaches its target; a gone one's at once.
            FailTrialsOfGoneWorkers(storage.RunningTrials(study.Id));
            FailSilentTrials();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (logger is not null) LogWarning(logger, StudyName, $"could not write the heartbeat of running trials ({e.GetType().Name}); will retry.", null);
        }
        finally { Volatile.Write(ref heartbeating, 0); }
    }

    /// <summary>Where a trial's reports go: stored at once, then the pruner decides with fresh history.</summary>
    private sealed class Sink : ITrialSink
    {
        private readonly SweepDriver<T> driver;
        private readonly StoredTrial trial;
        private readonly SortedDictionary<int, double> intermediate = new();

        public Sink(SweepDriver<T> driver, StoredTrial trial)
        {
            this.driver = driver;
            this.trial = trial;
        }

        private volatile bool closed;

        /// <summary>Drops every later report: the driver gave up on this trial and stored it (the storage may be closed).
        /// The objective is told to stop, as the pruner would.</summary>
        public void Close() => closed = true;

        /// <summary>The value at the last step reported, or null.</summary>
        public double? LastValue
        {
            get { lock (intermediate) return intermediate.Count == 0 ? null : intermediate.Last().Value is var v && double.IsFinite(v) ? v : null; }
        }

        public bool Report(int trialNumber, int step, double value)
        {
            if (closed) return true;
            // With a pruner, the report and the read it decides on go together (one round trip on PostgreSQL).
            if (driver.pruner is null) driver.storage.ReportIntermediate(trial.Id, step, value);
            else driver.cache.Apply(driver.storage.ReportAndRead(driver.study.Id, trial.Id, step, value, driver.cache.Seq));
            Dictionary<int, double> snapshot;
            lock (intermediate)
            {
                intermediate[step] = value;
                snapshot = new Dictionary<int, double>(intermediate);
            }
            if (driver.pruner is null) return false;
            var frozen = new FrozenTrial(trial.Number, TrialState.Running, trial.Values, null, snapshot, trial.Started, null);
            return driver.pruner.ShouldPrune(frozen, step, driver.cache.History(), driver.direction);
        }
    }
}
