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

    /// <summary>Sets every group's rate for optimizer step <paramref name="step"/> (0-based) and returns the schedule's factor.</summary>
    public double SetRates(long step)
    {
        double factor = schedule.Factor(step);
        for (int g = 0; g < controllers.Length; g++) controllers[g].LearningRate = baseRates[g] * factor;
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
