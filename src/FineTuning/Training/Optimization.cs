using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// What one optimizer step needs besides the batch: the optimizer, each group's rate controller and base rate, the
/// schedule, and the clipping bound over the trainable parameters. Grouped so the loop holds one reference, not six.
/// </summary>
internal sealed class Optimization(optim.Optimizer optimizer, optim.ILearningRateController[] controllers, double[] baseRates,
    LearningRateSchedule schedule, ParameterGroups groups, double maxGradNorm, double defaultRate)
{
    public optim.Optimizer Optimizer => optimizer;
    public optim.ILearningRateController[] Controllers => controllers;
    public bool Clips => maxGradNorm > 0;
    /// <summary>The parameter groups the optimizer was built from (the report counts trainable and frozen weights from them).</summary>
    public ParameterGroups Groups => groups;

    // The factor last written into the controllers; NaN until the first step (and in a new Optimization after a resume,
    // whose loaded optimizer state may hold any rate), so the first step always writes.
    private double _written = double.NaN;

    /// <summary>Sets every group's rate for optimizer step <paramref name="step"/> (0-based) and returns the schedule's factor.
    /// Only a factor that changed is written: under a constant schedule (the default) the rates are set once per run, not
    /// once per step per group. Nothing else writes the controllers during a run, so skipping an unchanged factor is exact.</summary>
    public double SetRates(long step)
    {
        double factor = schedule.Factor(step);
        if (factor == _written) return factor;
        for (int g = 0; g < controllers.Length; g++) controllers[g].LearningRate = baseRates[g] * factor;
        _written = factor;
        return factor;
    }

    /// <summary>The default group's rate for a schedule factor (what progress reports and divergence messages give).</summary>
    public double DefaultRate(double factor) => defaultRate * factor;

    /// <summary>Clips the global gradient norm of the trainable parameters (groups.Trainable grows as fields unfreeze)
    /// and returns it.</summary>
    public double Clip() => torch.nn.utils.clip_grad_norm_(groups.Trainable, maxGradNorm);

    /// <summary>The default group's current rate (the first group's when every parameter has a field rate).</summary>
    public double CurrentRate() => controllers.Length > 0 ? controllers[0].LearningRate : defaultRate;
}
