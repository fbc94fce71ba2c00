using System;

namespace Attune;

/// <summary>Never prunes (<see cref="Pruner.None"/>).</summary>
public sealed class NopPruner : IPruner
{
    public bool ShouldPrune(FrozenTrial trial, int step, System.Collections.Generic.IReadOnlyList<FrozenTrial> history, Direction direction) => false;
}

/// <summary>Maps <see cref="Pruner"/> to a pruner with default settings.</summary>
public static class Pruners
{
    public static IPruner Create(Pruner kind) => kind switch
    {
        Pruner.None => new NopPruner(),
        Pruner.Median => new MedianPruner(),
        Pruner.Asha => new AshaPruner(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Expected None, Median or Asha."),
    };
}
