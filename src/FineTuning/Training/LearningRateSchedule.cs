using System;
using System.Globalization;

namespace Attune.FineTuning;

/// <summary>
/// The learning-rate factor for every optimizer step, computed by Attune rather than by a TorchSharp scheduler:
/// TorchSharp's schedulers keep no state dictionary, so a resumed run could not rebuild them, while a pure function of
/// the step number can always be recomputed. The factor multiplies each parameter group's base learning rate.
/// </summary>
/// <remarks>
/// Warmup rises linearly from 0: step <c>s</c> (0-based) of <c>W</c> warmup steps gets <c>s / W</c>, as in Hugging Face's
/// schedules, so the first step does not move the weights. After warmup, with <c>p</c> the share of the remaining steps
/// done: Constant = 1; Linear = 1 - p; Cosine = (1 + cos πp) / 2; OneCycle rises (when there is no warmup) over the first
/// 30% of steps from 1/25 to 1 by half a cosine, then anneals by half a cosine to 1/250,000 (PyTorch's OneCycleLR
/// defaults).
/// </remarks>
public sealed class LearningRateSchedule
{
    /// <summary>OneCycle's share of steps spent rising when no warmup is set (PyTorch's pct_start).</summary>
    public const double OneCycleRiseShare = 0.3;
    /// <summary>OneCycle starts at base / 25 (PyTorch's div_factor).</summary>
    public const double OneCycleStartFactor = 1.0 / 25;
    /// <summary>OneCycle ends at base / (25 × 10⁴) (PyTorch's final_div_factor).</summary>
    public const double OneCycleEndFactor = 1.0 / 25 / 1e4;

    private readonly long _decayStart;
    private readonly double _decaySteps;
    private readonly long _riseSteps; // OneCycle without warmup

    public LearningRateSchedule(LrSchedule kind, long totalSteps, long warmupSteps)
    {
        if (totalSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "A run needs at least one optimizer step.");
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Warmup steps cannot be negative.");
        if (warmupSteps >= totalSteps)
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Warmup takes {0} steps but the run has only {1} optimizer steps (epochs × optimizer steps per epoch); expected fewer warmup steps than total steps. Lower WarmupSteps/WarmupRatio or train for more epochs.",
                warmupSteps, totalSteps), nameof(warmupSteps));
        Kind = kind;
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
        _riseSteps = kind == LrSchedule.OneCycle && warmupSteps == 0 ? (long)Math.Round(OneCycleRiseShare * totalSteps) : 0;
        _decayStart = warmupSteps + _riseSteps;
        _decaySteps = Math.Max(1, totalSteps - _decayStart);
    }

    public LrSchedule Kind { get; }
    public long TotalSteps { get; }
    public long WarmupSteps { get; }

    /// <summary>The schedule for a run of <paramref name="totalSteps"/> steps under <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">Warmup (from WarmupSteps or WarmupRatio × total) is not shorter than the run.</exception>
    public static LearningRateSchedule For(FineTuneOptions options, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        long warmup = options.WarmupSteps > 0 ? options.WarmupSteps : (long)Math.Ceiling(options.WarmupRatio * totalSteps);
        if (warmup >= totalSteps)
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Warmup takes {0} steps ({1}) but the run has only {2} optimizer steps ({3} epochs × {4} optimizer steps per epoch); expected fewer warmup steps than total steps. Lower the warmup or train for more epochs.",
                warmup,
                options.WarmupSteps > 0 ? "WarmupSteps" : string.Format(CultureInfo.InvariantCulture, "WarmupRatio {0} × {1}", options.WarmupRatio, totalSteps),
                totalSteps, options.Epochs, totalSteps / Math.Max(1, options.Epochs)));
        return new LearningRateSchedule(options.Schedule, totalSteps, warmup);
    }

    /// <summary>The factor for 0-based optimizer step <paramref name="step"/>; steps past the end keep the last value.</summary>
    public double Factor(long step)
    {
        if (step < 0) step = 0;
        if (step >= TotalSteps) step = TotalSteps - 1;
        if (step < WarmupSteps)
            return (double)step / WarmupSteps;
        if (step < _decayStart) // OneCycle's rise: half a cosine from the start factor up to 1
        {
            double r = (double)step / _riseSteps;
            return OneCycleStartFactor + (1 - OneCycleStartFactor) * (1 - Math.Cos(Math.PI * r)) / 2;
        }
        double p = (step - _decayStart) / _decaySteps;
        return Kind switch
        {
            LrSchedule.Linear => 1 - p,
            LrSchedule.Cosine => (1 + Math.Cos(Math.PI * p)) / 2,
            LrSchedule.OneCycle => OneCycleEndFactor + (1 - OneCycleEndFactor) * (1 + Math.Cos(Math.PI * p)) / 2,
            _ => 1.0,
        };
    }
}
