using System;

namespace Attune.Search;

/// <summary>Never prunes (<see cref="Pruner.None"/>).</summary>
public sealed class NopPruner : IPruner
{
    public bool ShouldPrune(FrozenTrial trial, int step, System.Collections.Generic.IReadOnlyList<FrozenTrial> history, Direction direction) => false;
}

/// <summary>Maps <see cref="Pruner"/> to a pruner.</summary>
public static class Pruners
{
    /// <param name="kind">Which pruner.</param>
    /// <param name="minResource">The step of the first decision: ASHA's first rung, the Median pruner's warm-up.</param>
    /// <param name="reductionFactor">η of ASHA and Hyperband.</param>
    /// <param name="maxResource">Hyperband's R: the step at which a trial is complete; 0 is auto (the largest step a
    /// completed trial reported).</param>
    public static IPruner Create(Pruner kind, int minResource = 1, int reductionFactor = 3, int maxResource = 0) => kind switch
    {
        Pruner.None => new NopPruner(),
        Pruner.Median => new MedianPruner(warmupSteps: minResource),
        Pruner.Asha => new AshaPruner(minResource, reductionFactor),
        Pruner.Hyperband => new HyperbandPruner(minResource, reductionFactor, maxResource),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected None, Median, Asha or Hyperband."),
    };
}
