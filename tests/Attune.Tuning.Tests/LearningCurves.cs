using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>A recipe of the learning-curve problem (<see cref="CurveFamily"/>): learning rate, optimizer, width, dropout.</summary>
public sealed record CurveRecipe(double LearningRate, string Optimizer, int Width, double Dropout) : ITuneSpace<CurveRecipe>
{
    public static readonly string[] Optimizers = ["sgd", "adam", "adamw"];

    /// <summary>Epochs of a full trial: steps 0 … <see cref="Epochs"/> − 1.</summary>
    public const int Epochs = 30;

    public static SearchSpace Space { get; } = new("curves",
    [
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1, Log: true),
        new ParameterSpec("optimizer", ParameterKind.Categorical, Choices: Optimizers),
        new ParameterSpec("width", ParameterKind.Int, 16, 1024, Log: true, Step: 1),
        new ParameterSpec("dropout", ParameterKind.Float, 0, 0.5),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, ConsoleProgress = false, Storage = ":memory:" };

    public static CurveRecipe Decode(IReadOnlyList<double> v) => new(v[0], Optimizers[(int)v[1]], (int)v[2], v[3]);

    public double[] Encode() => [LearningRate, Array.IndexOf(Optimizers, Optimizer), Width, Dropout];
}

/// <summary>
/// Synthetic but realistic learning curves for pruner tests and the pruning benchmark: a <see cref="CurveRecipe"/> gives
/// a validation loss per epoch that falls from 2.3 towards an asymptote, loss(t) = a + (2.3 − a)·(1 + t/τ)^−2 at epoch
/// t = step + 1, plus noise.
/// <list type="bullet">
/// <item>The asymptote a is lowest at each optimizer's own best learning rate (sgd 10^−1.5, adam 10^−3, adamw 10^−2.7),
/// rises with the distance from it (faster above it: too large a rate hurts more), and with dropout away from 0.2 and
/// width away from 256; sgd and adam pay a small constant over adamw.</item>
/// <item>The time constant τ falls with the learning rate (by <see cref="SpeedupPerDecade"/> per decade) and rises with
/// width and dropout. So curves cross: a too-large rate looks best in the first epochs and ends worse, the best rate
/// starts slower. <see cref="EarlyCrossing"/>: a decade too large a rate leads until about epoch 8 of 30;
/// <see cref="LateCrossing"/>: until about epoch 13, so that every rung before the last misleads.</item>
/// <item>Noise: Gaussian, standard deviation <see cref="NoiseSd"/>, fixed by (noise seed, trial number, step), so a run
/// is reproducible.</item>
/// </list>
/// </summary>
public sealed class CurveFamily
{
    private static readonly double[] BestLog10Rate = [-1.5, -3.0, -2.7];
    private static readonly double[] OptimizerPenalty = [0.03, 0.01, 0.0];

    public static readonly CurveFamily EarlyCrossing = new("early-crossing", baseTimeConstant: 3, speedupPerDecade: 2.5);
    public static readonly CurveFamily LateCrossing = new("late-crossing", baseTimeConstant: 4, speedupPerDecade: 4);

    public const double NoiseSd = 0.015;

    private readonly Lazy<double> bestFinalLoss;

    public CurveFamily(string name, double baseTimeConstant, double speedupPerDecade)
    {
        Name = name;
        BaseTimeConstant = baseTimeConstant;
        SpeedupPerDecade = speedupPerDecade;
        bestFinalLoss = new Lazy<double>(SearchBestFinalLoss);
    }

    public string Name { get; }

    /// <summary>τ in epochs at an optimizer's best rate, width 256, no dropout.</summary>
    public double BaseTimeConstant { get; }

    /// <summary>How much faster a decade larger rate learns.</summary>
    public double SpeedupPerDecade { get; }

    /// <summary>The asymptote a (what infinite training would reach).</summary>
    public double Asymptote(CurveRecipe r)
    {
        int o = Array.IndexOf(CurveRecipe.Optimizers, r.Optimizer);
        double u = Math.Log10(r.LearningRate) - BestLog10Rate[o];
        double rate = u > 0 ? 0.12 * u * u : 0.05 * u * u;
        double d = r.Dropout - 0.2, w = Math.Log2(r.Width / 256.0);
        return 0.1 + rate + 0.4 * d * d + 0.008 * w * w + OptimizerPenalty[o];
    }

    /// <summary>The time constant τ in epochs.</summary>
    public double TimeConstant(CurveRecipe r)
    {
        int o = Array.IndexOf(CurveRecipe.Optimizers, r.Optimizer);
        double u = Math.Log10(r.LearningRate) - BestLog10Rate[o];
        return BaseTimeConstant * Math.Pow(SpeedupPerDecade, -u) * Math.Sqrt(r.Width / 256.0) * (1 + 2 * r.Dropout);
    }

    /// <summary>The noise-free loss after <paramref name="step"/> + 1 epochs.</summary>
    public double TrueLoss(CurveRecipe r, int step)
    {
        double a = Asymptote(r), t = step + 1;
        return a + (2.3 - a) * Math.Pow(1 + t / TimeConstant(r), -2);
    }

    /// <summary>The loss the run reports at <paramref name="step"/>: <see cref="TrueLoss"/> plus reproducible noise.</summary>
    public double ObservedLoss(CurveRecipe r, int step, int trialNumber, int noiseSeed) => TrueLoss(r, step) + NoiseSd * Gaussian(noiseSeed, trialNumber, step);

    /// <summary>The best noise-free final loss (after <see cref="CurveRecipe.Epochs"/> epochs) over the space, by a dense
    /// random search refined by coordinate steps; the reference for regrets.</summary>
    public double BestFinalLoss => bestFinalLoss.Value;

    private double SearchBestFinalLoss()
    {
        const int last = CurveRecipe.Epochs - 1;
        var random = new Random(12345);
        double best = double.PositiveInfinity;
        CurveRecipe? bestRecipe = null;
        for (int i = 0; i < 200_000; i++)
        {
            var r = new CurveRecipe(Math.Pow(10, -5 + 5 * random.NextDouble()), CurveRecipe.Optimizers[random.Next(3)], (int)Math.Round(Math.Pow(2, 4 + 6 * random.NextDouble())), 0.5 * random.NextDouble());
            double f = TrueLoss(r, last);
            if (f < best) { best = f; bestRecipe = r; }
        }
        // Refine: shrinking coordinate steps around the best sample (the function is smooth in each coordinate).
        var current = bestRecipe!;
        for (double h = 0.05; h > 1e-5; h /= 2)
        {
            bool moved = true;
            while (moved)
            {
                moved = false;
                foreach (var candidate in new[]
                {
                    current with { LearningRate = Math.Min(1, current.LearningRate * Math.Pow(10, h)) },
                    current with { LearningRate = Math.Max(1e-5, current.LearningRate / Math.Pow(10, h)) },
                    current with { Dropout = Math.Min(0.5, current.Dropout + h) },
                    current with { Dropout = Math.Max(0, current.Dropout - h) },
                    current with { Width = Math.Min(1024, current.Width + 1) },
                    current with { Width = Math.Max(16, current.Width - 1) },
                })
                {
                    double f = TrueLoss(candidate, last);
                    if (f < best - 1e-15) { best = f; current = candidate; moved = true; }
                }
            }
        }
        return best;
    }

    /// <summary>A standard normal draw fixed by its three keys (SplitMix64 then Box–Muller).</summary>
    private static double Gaussian(int seed, int trial, int step)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)trial * 0xC2B2AE3D27D4EB4FUL ^ (ulong)step * 0x165667B19E3779F9UL);
        double u1 = (Mix(ref z) >> 11) * (1.0 / (1UL << 53)), u2 = (Mix(ref z) >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong Mix(ref ulong state)
    {
        ulong z = state = unchecked(state + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

/// <summary>One trial of a <see cref="CurveSweep"/>: how many steps the whole sweep had trained when it ended, and
/// whether it ran to the end.</summary>
public sealed record CurveTrial(int Number, bool Completed, int Steps, long StepsSoFar, double ObservedFinal, double TrueFinal);

/// <summary>Runs a real <see cref="Sweep"/> (1 worker, in memory, TPE) on a <see cref="CurveFamily"/>'s curves with a pruner,
/// until the steps trained reach a budget.</summary>
public static class CurveSweep
{
    /// <summary>The trials in the order they ended. Stops creating trials once <paramref name="stepBudget"/> steps are
    /// trained (the trial running then finishes).</summary>
    public static List<CurveTrial> Run(CurveFamily family, Pruner pruner, int seed, long stepBudget, int maxTrials = 2000, IPruner? custom = null, ISampler? sampler = null)
    {
        var trials = new List<CurveTrial>();
        long steps = 0;
        using var stop = new CancellationTokenSource();
        var options = CurveRecipe.DefaultSweepOptions with { Trials = maxTrials, Seed = seed, Pruner = pruner, StudyName = "curves-" + seed };
        Sweep.Run<CurveRecipe>(t =>
        {
            var r = t.Parameters;
            double observed = double.NaN;
            int step = 0;
            for (; step < CurveRecipe.Epochs; step++)
            {
                observed = family.ObservedLoss(r, step, t.Number, seed);
                steps++;
                t.Report(step, observed);
                if (t.ShouldPrune) break;
            }
            bool completed = step == CurveRecipe.Epochs;
            trials.Add(new CurveTrial(t.Number, completed, completed ? step : step + 1, steps, observed, family.TrueLoss(r, CurveRecipe.Epochs - 1)));
            if (steps >= stepBudget) stop.Cancel();
            return observed;
        }, options, sampler, custom, storage: null, cancellationToken: stop.Token);
        return trials;
    }

    /// <summary>Regret at a budget: the true final loss of the completed trial with the best observed final loss among
    /// those that ended within <paramref name="budget"/> steps, minus the best possible; infinity when none completed.</summary>
    public static double RegretAt(CurveFamily family, IReadOnlyList<CurveTrial> trials, long budget)
    {
        CurveTrial? best = null;
        foreach (var t in trials)
            if (t.Completed && t.StepsSoFar <= budget && (best is null || t.ObservedFinal < best.ObservedFinal)) best = t;
        return best is null ? double.PositiveInfinity : best.TrueFinal - family.BestFinalLoss;
    }
}
