using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>One optimizer step of a fine-tune run, as the run record (<see cref="RunRecordFormat"/>) keeps it.</summary>
/// <param name="Step">The optimizer step, from 1, across epochs.</param>
/// <param name="Epoch">The epoch it belongs to, from 1.</param>
/// <param name="Loss">The step's mean loss; NaN for a skipped non-finite step.</param>
/// <param name="LearningRate">The default parameter group's learning rate in that step.</param>
/// <param name="Skipped">Whether the step was skipped for a non-finite loss or gradient norm.</param>
public sealed record RunStep(long Step, int Epoch, double Loss, double LearningRate, bool Skipped);

/// <summary>One evaluated epoch of a fine-tune run (the fields of Attune.FineTuning's <c>EpochResult</c>).</summary>
public sealed record RunEpoch(int Epoch, double TrainLoss, double ValidationLoss, double Metric, double LearningRate, long Steps, TimeSpan Duration);

/// <summary>One optimizer parameter group of a fine-tune run: its name (a field, or "(default)"), its trainable
/// parameter count, and its base learning rate and weight decay.</summary>
public sealed record RunParameterGroup(string Name, long TrainableParameters, double LearningRate, double WeightDecay);

/// <summary>
/// A fine-tune run as its record file tells it (<see cref="RunRecordFormat"/>): the run's facts, every step, every
/// epoch, and how it ended. Written by Attune.FineTuning into the run's checkpoint directory; read here, so a report or a
/// tool reads a run without TorchSharp.
/// </summary>
public sealed record RunRecord
{
    /// <summary>The model, as the report names it.</summary>
    public required string ModelName { get; init; }
    /// <summary>The validation metric (Accuracy, MacroF1, Mse, …).</summary>
    public required string Metric { get; init; }
    /// <summary>Whether the metric is better higher or lower.</summary>
    public required Direction Direction { get; init; }
    /// <summary>The epochs the run was planned for.</summary>
    public int PlannedEpochs { get; init; }
    /// <summary>The optimizer steps the run was planned for.</summary>
    public long PlannedSteps { get; init; }
    /// <summary>The parameter groups of the last start (a resumed run writes them again).</summary>
    public IReadOnlyList<RunParameterGroup> Groups { get; init; } = Array.Empty<RunParameterGroup>();
    /// <summary>Every recorded step in step order (a step written twice, by a resumed run, counts once: the later).</summary>
    public IReadOnlyList<RunStep> Steps { get; init; } = Array.Empty<RunStep>();
    /// <summary>Every evaluated epoch in order.</summary>
    public IReadOnlyList<RunEpoch> Epochs { get; init; } = Array.Empty<RunEpoch>();
    /// <summary>How many times the run started (1, plus one per resume).</summary>
    public int Starts { get; init; }
    /// <summary>Whether an end line was written: false while the run goes on, or when it ended with an exception.</summary>
    public bool Ended { get; init; }
    /// <summary>The best epoch (0 when none was evaluated or the run has not ended).</summary>
    public int BestEpoch { get; init; }
    /// <summary>The best validation metric (NaN when none).</summary>
    public double BestMetric { get; init; } = double.NaN;
    /// <summary>Why the run ended (a <c>StopReason</c> name: Completed, EarlyStopped, Pruned, …), or null when it has not.</summary>
    public string? StopReason { get; init; }
    /// <summary>What stopped the run, in words.</summary>
    public string? StopMessage { get; init; }
    /// <summary>The file it was read from.</summary>
    public string Path { get; init; } = "";

    /// <summary>One line a person reads: "Classifier: 12 steps, 3 epochs of 3 planned, best accuracy 0.9 at epoch 2,
    /// Completed (1 start; /runs/x/run.jsonl)".</summary>
    public override string ToString()
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string ended = !Ended ? "not ended (running, or stopped by an exception)"
            : string.Create(culture, $"best {Metric.ToLowerInvariant()} {BestMetric:G5} at epoch {BestEpoch}, {StopReason}{(StopMessage is null ? "" : ": " + StopMessage)}");
        return string.Create(culture, $"{ModelName}: {Steps.Count} steps, {Epochs.Count} epochs of {PlannedEpochs} planned, {ended} ({Starts} start{(Starts == 1 ? "" : "s")}; {Path})");
    }
}
