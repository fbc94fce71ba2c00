using System;
using System.Threading;

namespace Attune.Search;

/// <summary>Where a trial's reports go: the sweep driver stores them and asks the pruner.</summary>
internal interface ITrialSink
{
    /// <summary>Stores the value and returns true when the trial should be pruned.</summary>
    bool Report(int trialNumber, int step, double value);
}

/// <summary>
/// A running trial as code that runs it sees it, whatever its parameters' type: a fine-tune reports each epoch's metric
/// through it and stops when it should be pruned or the sweep is cancelled. <see cref="Trial{T}"/> implements it; a
/// training loop in another package depends on this interface, not on the search driver.
/// </summary>
public interface ITrial
{
    /// <summary>The trial's number in its study: unique, starting at 0, never reused.</summary>
    int Number { get; }

    /// <summary>True once the pruner decided this trial should stop.</summary>
    bool ShouldPrune { get; }

    /// <summary>Fires when the sweep is cancelled or times out.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>Records an intermediate value (e.g. an epoch's validation metric) at <paramref name="step"/> and asks the pruner.</summary>
    void Report(int step, double value);
}

/// <summary>
/// One trial of a sweep, handed to the objective: its number, its typed parameters, a way to report intermediate values
/// (each fine-tune epoch does this itself) and whether the pruner wants it stopped.
/// </summary>
public sealed class Trial<T> : ITrial
{
    private readonly ITrialSink sink;
    private volatile bool shouldPrune;

    internal Trial(int number, T parameters, ITrialSink sink, CancellationToken cancellationToken)
    {
        Number = number;
        Parameters = parameters;
        this.sink = sink;
        CancellationToken = cancellationToken;
    }

    /// <summary>The trial's number in its study: unique, starting at 0, never reused.</summary>
    public int Number { get; }

    /// <summary>The sampled parameters as an instance of the space type.</summary>
    public T Parameters { get; }

    /// <summary>Fires when the sweep is cancelled or times out.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>True once the pruner decided this trial should stop; the trial then ends as Pruned whatever it returns.</summary>
    public bool ShouldPrune => shouldPrune;

    /// <summary>Records an intermediate value (e.g. an epoch's validation metric) and asks the pruner.</summary>
    public void Report(int step, double value)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps start at 0.");
        if (sink.Report(Number, step, value)) shouldPrune = true;
    }
}
