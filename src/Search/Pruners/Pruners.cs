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
    /// <param name="reductionFactor">ASHA's η.</param>
    public static IPruner Create(Pruner kind, int minResource = 1, int reductionFactor = 3) => kind switch
    {
        Pruner.None => new NopPruner(),
        Pruner.Median => new MedianPruner(warmupSteps: minResource),
        Pruner.Asha => new AshaPruner(minResource, reductionFactor),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected None, Median or Asha."),
    };
}
