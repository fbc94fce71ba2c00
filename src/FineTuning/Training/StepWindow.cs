namespace Attune.FineTuning;

/// <summary>
/// The optimizer step being accumulated: its micro-batches so far, their examples and loss sum, the examples the whole
/// window will hold (each micro-batch's weight is its share of them), the schedule's factor for the step, and the first
/// non-finite value met (which makes the step a skipped one). One instance per run, reset at each window's first batch,
/// so the step path allocates nothing. The window arithmetic itself is <see cref="AccumulationWindow"/>.
/// </summary>
internal sealed class StepWindow
{
    public int Batches;
    public long Seen;
    /// <summary>Examples the window will hold once complete (only with accumulation; 0 otherwise).</summary>
    public long Total;
    /// <summary>Sum of each finite micro-batch's mean loss × its examples.</summary>
    public double LossSum;
    public double LastLoss;
    /// <summary>The learning-rate schedule's factor, set once before the window's first batch.</summary>
    public double Factor = 1;
    public bool Skip;
    public bool GradientNonFinite;
    public double NonFinite;

    public void Begin(double factor, long total)
    {
        Batches = 0;
        Seen = 0;
        Total = total;
        LossSum = 0;
        Factor = factor;
        Skip = false;
        GradientNonFinite = false;
        NonFinite = 0;
    }

    /// <summary>The first non-finite loss or gradient norm of the window makes it a skipped step; later ones change nothing.</summary>
    public void MarkNonFinite(double value, bool gradient)
    {
        if (Skip) return;
        Skip = true;
        NonFinite = value;
        GradientNonFinite = gradient;
    }

    /// <summary>The step's loss: the batch's own with k = 1 (exactly what a plain loop reports), else the window's
    /// mean over its examples; a skipped step's non-finite value.</summary>
    public double StepLoss(int accumulation) => Skip ? NonFinite : accumulation == 1 ? LastLoss : LossSum / Seen;
}
