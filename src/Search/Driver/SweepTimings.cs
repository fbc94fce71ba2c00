using System;
using System.Globalization;

namespace Attune.Search;

/// <summary>
/// How one sweep times heartbeats and gives up on silent workers, fixed when it starts from its options (no process-wide
/// mutable setting): <see cref="SweepOptions.AbandonAfter"/>, else the <see cref="StaleAfterVariable"/> environment
/// variable (an operator's override for programs that do not expose the option), else 2 minutes.
/// </summary>
internal sealed record SweepTimings(TimeSpan StaleAfter)
{
    /// <summary>Environment variable giving the grace period, in seconds, where the options do not.</summary>
    public const string StaleAfterVariable = "ATTUNE_STALE_TRIAL_SECONDS";

    public static SweepTimings For(SweepOptions options) => new(options.AbandonAfter ?? FromEnvironment() ?? TimeSpan.FromMinutes(2));

    private static TimeSpan? FromEnvironment()
        => Environment.GetEnvironmentVariable(StaleAfterVariable) is { } text
           && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>How often running trials' heartbeats are written: every 10 s, or a quarter of the grace period. Each tick
    /// also fails other workers' trials whose heartbeat is older than <see cref="StaleAfter"/>.</summary>
    public TimeSpan HeartbeatInterval => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, StaleAfter.Ticks / 4));

    /// <summary>How often a worker with nothing left to start looks at other workers' running trials.</summary>
    public TimeSpan TailPoll => TimeSpan.FromTicks(Math.Clamp(HeartbeatInterval.Ticks / 10, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromMilliseconds(500).Ticks));

    /// <summary>The error of a trial a live worker failed because its own worker fell silent.</summary>
    public string SilentError => $"{TrialErrors.AbandonedError} (its worker was silent for more than {StaleAfter.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)";
}

/// <summary>The texts stored, for people, with trials failed as abandoned (the kind itself is <see cref="TrialFailure.Abandoned"/>).</summary>
internal static class TrialErrors
{
    public const string AbandonedError = "abandoned: the process running it stopped";

    /// <summary>The error of a trial whose worker, a process of this machine, is known to be gone.</summary>
    public static string GoneError(string worker) => $"{AbandonedError} ({WorkerIdentity.Short(worker)} is no longer running)";

    /// <summary>The error of a trial an earlier sweep of this same process left Running when it stopped with an error.</summary>
    public const string OrphanError = AbandonedError + " (an earlier sweep of this process stopped with an error before it could store the trial)";
}
