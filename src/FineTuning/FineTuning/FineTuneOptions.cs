using System;
using System.Collections.Generic;
using System.Globalization;

namespace Attune.FineTuning;

/// <summary>
/// Every knob of a fine-tune. The generator emits <c>FineTuneDefaults</c> on each <c>[FineTune]</c> model holding the
/// attribute's values; override with <c>with</c>: <c>Model.FineTuneDefaults with { Epochs = 3 }</c>.
/// The build checks the attribute's constants; <see cref="Validate"/> re-checks at run time what a caller changed.
/// </summary>
public sealed record FineTuneOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public double Momentum { get; init; } = 0.9;
    public LrSchedule Schedule { get; init; } = LrSchedule.Constant;
    public int WarmupSteps { get; init; }
    public double WarmupRatio { get; init; }
    public Loss Loss { get; init; } = Loss.CrossEntropy;
    public Metric Metric { get; init; } = Metric.Accuracy;
    public Direction MetricDirection { get; init; } = Direction.Auto;
    public int Patience { get; init; }
    public double MinDelta { get; init; }
    public double MaxGradNorm { get; init; }
    /// <summary>-1 leaves TorchSharp's generator unseeded.</summary>
    public long Seed { get; init; } = 42;
    public bool Shuffle { get; init; } = true;
    public string? CheckpointDirectory { get; init; }
    /// <summary>Where the run record (<c>run.jsonl</c>: every step, every epoch, how the run ended; what
    /// <c>Attune.Reports.RunReport</c> draws) is written; null: the <see cref="CheckpointDirectory"/>, if any. Set it to
    /// record a run that keeps no checkpoints (a large model whose weights you do not want on disk every epoch). Not part
    /// of the resume fingerprint.</summary>
    public string? RunRecordDirectory { get; init; }
    /// <summary>Continue the run saved in <see cref="CheckpointDirectory"/> (its <c>resume.bin</c>) from its last
    /// finished epoch; without that file the run starts fresh and logs it. See docs/training.md.</summary>
    public bool Resume { get; init; }
    /// <summary>Micro-batches of <see cref="BatchSize"/> whose gradients add up to one optimizer step (1 = no accumulation).
    /// The step's gradient is that of the mean loss over all the window's examples, also for a short last window.</summary>
    public int AccumulationSteps { get; init; } = 1;
    /// <summary>Optimizer steps in a row with a non-finite loss or gradient that stop training; each such step is skipped.
    /// 1 stops at the first one.</summary>
    public int MaxNonFiniteSteps { get; init; } = 5;
    /// <summary>Where TensorBoard event files are written (loss and learning rate per optimizer step, losses and metric
    /// per epoch); null writes none.</summary>
    public string? TensorBoardDirectory { get; init; }

    /// <summary>The rank of every <c>[Lora]</c> field's adapters in this run, instead of the one the attribute declares
    /// (null: as declared). A sweep binds it by name, like the other options.</summary>
    public int? LoraRank { get; init; }

    /// <summary>The alpha of every <c>[Lora]</c> field's adapters in this run (null: as declared).</summary>
    public double? LoraAlpha { get; init; }

    /// <summary>The dropout on every <c>[Lora]</c> field's adapter input in this run (null: as declared).</summary>
    public double? LoraDropout { get; init; }

    /// <summary>The decay of every <c>[LayerwiseDecay]</c> field in this run (null: as declared); fields without the
    /// attribute are not affected.</summary>
    public double? LayerDecay { get; init; }

    /// <summary>Your hooks into the loop, called after the built-in ones in this order (see <see cref="FineTuneCallback"/>
    /// and docs/training.md). Not part of the run's resume fingerprint: callbacks may differ between a run and its resume.</summary>
    public IReadOnlyList<FineTuneCallback> Callbacks { get; init; } = Array.Empty<FineTuneCallback>();

    /// <summary>When no progress receiver is given and the run is not a sweep's trial, show live progress on standard
    /// output (<see cref="ConsoleProgress"/>: one redrawn line on a terminal with epoch, step, loss, rate and time left; a
    /// plain line every 10 s and after each evaluation when output is redirected). False: nothing is written. Not part of
    /// the resume fingerprint.</summary>
    public bool ConsoleProgress { get; init; } = true;

    /// <summary>The direction after resolving <see cref="Direction.Auto"/> from the metric.</summary>
    public Direction EffectiveDirection => MetricDirection != Direction.Auto ? MetricDirection : Metric switch
    {
        Metric.Accuracy or Metric.MacroF1 or Metric.R2 => Direction.Maximize,
        Metric.Mse or Metric.Mae or Metric.Loss => Direction.Minimize,
        _ => Direction.Auto,
    };

    /// <summary>Problems with these options, each naming the option, the value found and what is expected.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string name, object value, string expected)
        {
            if (!ok) errors.Add(string.Format(CultureInfo.InvariantCulture, "{0} is {1}; expected {2}.", name, value, expected));
        }
        Check(Epochs > 0, nameof(Epochs), Epochs, "at least 1");
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "at least 1");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number greater than 0");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite number of at least 0");
        Check(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "a number in [0, 1)");
        Check(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "at least 0");
        Check(WarmupRatio >= 0 && WarmupRatio < 1, nameof(WarmupRatio), WarmupRatio, "a number in [0, 1)");
        Check(!(WarmupSteps > 0 && WarmupRatio > 0), "WarmupSteps and WarmupRatio", $"{WarmupSteps} and {WarmupRatio}", "at most one of them set");
        Check(Patience >= 0, nameof(Patience), Patience, "at least 0 (0 turns early stopping off)");
        Check(MinDelta >= 0 && double.IsFinite(MinDelta), nameof(MinDelta), MinDelta, "a finite number of at least 0");
        Check(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm), nameof(MaxGradNorm), MaxGradNorm, "a finite number of at least 0 (0 turns clipping off)");
        Check(Seed >= -1, nameof(Seed), Seed, "-1 (unseeded) or a seed of at least 0");
        Check(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "AdamW, Adam or Sgd");
        Check(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, "Constant, Linear, Cosine or OneCycle");
        Check(Enum.IsDefined(Loss), nameof(Loss), Loss, "a defined Loss");
        Check(Enum.IsDefined(Metric), nameof(Metric), Metric, "a defined Metric");
        Check(AccumulationSteps > 0, nameof(AccumulationSteps), AccumulationSteps, "at least 1 (1 turns accumulation off)");
        Check(MaxNonFiniteSteps > 0, nameof(MaxNonFiniteSteps), MaxNonFiniteSteps, "at least 1 (1 stops at the first non-finite step)");
        if (TensorBoardDirectory is { } tensorBoard && tensorBoard.Trim().Length == 0) // quoted: the value is blank
            Check(false, nameof(TensorBoardDirectory), $"\"{tensorBoard}\"", "null (off) or a directory path");
        if (LoraRank is int rank) Check(rank >= 1, nameof(LoraRank), rank, "null (as declared) or at least 1");
        if (LoraAlpha is double alpha) Check(alpha > 0 && double.IsFinite(alpha), nameof(LoraAlpha), alpha, "null (as declared) or a finite number greater than 0");
        if (LoraDropout is double dropout) Check(dropout >= 0 && dropout < 1, nameof(LoraDropout), dropout, "null (as declared) or a number in [0, 1)");
        if (LayerDecay is double decay) Check(decay > 0 && decay <= 1, nameof(LayerDecay), decay, "null (as declared) or a number in (0, 1]");
        Check(EffectiveDirection != Direction.Auto, nameof(MetricDirection), MetricDirection, "Maximize or Minimize for a custom metric");
        if (Callbacks is null) Check(false, nameof(Callbacks), "null", "a list (empty for none)");
        else for (int i = 0; i < Callbacks.Count; i++)
            if (Callbacks[i] is null) Check(false, $"{nameof(Callbacks)}[{i}]", "null", "a FineTuneCallback");
        Check(!Resume || !string.IsNullOrEmpty(CheckpointDirectory), nameof(Resume), Resume, "false unless CheckpointDirectory is set (the run to resume is read from there)");
        return errors;
    }
}
