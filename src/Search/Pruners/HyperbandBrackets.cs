using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// The brackets of a Hyperband pruner for one (minimum resource r, maximum resource R, η): how many there are, each
/// one's trial budget, and which bracket a trial number belongs to. Pure arithmetic on its inputs, so every worker and
/// every resumed process agrees on a trial's bracket without storing it.
/// <para>Bracket b runs successive halving with its first rung at r·η^b: bracket 0 is the most aggressive (first decision
/// at r), the last one decides only near R. There are ⌊log_η(R / r)⌋ + 1 brackets, one per rung below or at R.</para>
/// <para>Budgets follow Hyperband (Li et al., JMLR 2018) as Optuna weighs them: bracket b, with s = n − 1 − b halvings to
/// go, gets ⌈n·η^s / (s + 1)⌉ trials per cycle, so the aggressive brackets, whose trials are cheap, get the most. Within a
/// cycle of Σ budgets consecutive trial numbers the brackets are interleaved by smooth weighted round-robin: every
/// cycle holds exactly each bracket's budget (a hash, as Optuna uses, only does so on average), and no bracket waits for
/// another to take its share first.</para>
/// </summary>
public sealed class HyperbandBrackets
{
    /// <summary>The longest table of assignments kept; see the constructor.</summary>
    private const int MaxCycle = 1 << 16;

    private readonly int[] cycle;

    /// <param name="minResource">r: the step of the most aggressive bracket's first rung; at least 1.</param>
    /// <param name="maxResource">R: the step at which a trial is complete; at least 1. Below r·η there is one bracket.</param>
    /// <param name="reductionFactor">η; at least 2.</param>
    public HyperbandBrackets(int minResource, int maxResource, int reductionFactor)
    {
        if (minResource < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "Expected the minimum resource to be at least 1.");
        if (maxResource < 1) throw new ArgumentOutOfRangeException(nameof(maxResource), maxResource, "Expected the maximum resource to be at least 1.");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "Expected the reduction factor η to be at least 2.");
        MinResource = minResource;
        MaxResource = maxResource;
        ReductionFactor = reductionFactor;

        // Counted with integers: a floating log_η would put R = r·η^k on either side of k by rounding.
        int count = 1;
        for (long rung = (long)minResource * reductionFactor; rung <= maxResource; rung *= reductionFactor) count++;
        Count = count;

        var budgets = new double[count];
        double total = 0;
        for (int b = 0; b < count; b++)
        {
            int s = count - 1 - b;
            budgets[b] = Math.Ceiling(count * Math.Pow(reductionFactor, s) / (s + 1));
            total += budgets[b];
        }
        Budgets = budgets;
        // A cycle longer than MaxCycle (R/r in the millions, steps counted in batches) is scaled down to the same
        // proportions, so that the table stays small; each bracket keeps at least one place.
        var weights = new int[count];
        for (int b = 0; b < count; b++)
            weights[b] = total <= MaxCycle ? (int)budgets[b] : Math.Max(1, (int)Math.Round(budgets[b] * MaxCycle / total));
        cycle = Interleave(weights);
    }

    public int MinResource { get; }
    public int MaxResource { get; }
    public int ReductionFactor { get; }

    /// <summary>How many brackets: ⌊log_η(R / r)⌋ + 1.</summary>
    public int Count { get; }

    /// <summary>Trials per cycle of each bracket, bracket 0 (the most aggressive) first.</summary>
    public IReadOnlyList<double> Budgets { get; }

    /// <summary>The length of one cycle of bracket assignments: the sum of the budgets (scaled down to about 65,536 when
    /// larger).</summary>
    public int CycleLength => cycle.Length;

    /// <summary>The bracket of trial <paramref name="trialNumber"/> (0 … <see cref="Count"/> − 1).</summary>
    public int BracketOf(int trialNumber)
    {
        if (trialNumber < 0) throw new ArgumentOutOfRangeException(nameof(trialNumber), trialNumber, "Expected a trial number of at least 0.");
        return cycle[trialNumber % cycle.Length];
    }

    /// <summary>The step of bracket <paramref name="bracket"/>'s first rung: r·η^bracket.</summary>
    public long FirstRung(int bracket)
    {
        long rung = MinResource;
        for (int i = 0; i < bracket; i++) rung *= ReductionFactor;
        return rung;
    }

    /// <summary>True when <paramref name="step"/> is a rung of <paramref name="bracket"/> (r·η^(bracket + k), k ≥ 0)
    /// below the maximum resource: at R the trial has had its full budget, and stopping it then saves nothing.</summary>
    public bool IsRung(int bracket, int step)
    {
        if (step >= MaxResource) return false;
        long rung = FirstRung(bracket);
        while (rung < step) rung *= ReductionFactor;
        return rung == step;
    }

    /// <summary>Smooth weighted round-robin (each turn every bracket gains its weight, the richest is picked and pays the
    /// total): over one cycle each bracket appears exactly its weight's times, spread as evenly as the weights allow.</summary>
    private static int[] Interleave(int[] weights)
    {
        int total = 0;
        foreach (int w in weights) total += w;
        var current = new long[weights.Length];
        var order = new int[total];
        for (int turn = 0; turn < total; turn++)
        {
            int pick = 0;
            for (int b = 0; b < weights.Length; b++)
            {
                current[b] += weights[b];
                if (current[b] > current[pick]) pick = b;
            }
            current[pick] -= total;
            order[turn] = pick;
        }
        return order;
    }
}
