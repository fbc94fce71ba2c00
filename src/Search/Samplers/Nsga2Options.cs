using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>Settings of <see cref="Nsga2Sampler"/>; the defaults are NSGA-II's usual ones (Optuna's population size).</summary>
public sealed record Nsga2Options
{
    /// <summary>Trials per generation; the first generation is random. Default 50.</summary>
    public int PopulationSize { get; init; } = 50;

    /// <summary>The chance a child is bred from two parents rather than copied from one (then only mutated). Default 0.9.</summary>
    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>The distribution index of simulated binary crossover: larger keeps children nearer their parents. Default 15.</summary>
    public double CrossoverEta { get; init; } = 15;

    /// <summary>The distribution index of polynomial mutation. Default 20.</summary>
    public double MutationEta { get; init; } = 20;

    /// <summary>The chance each parameter mutates; null: 1 / the number of parameters.</summary>
    public double? MutationProbability { get; init; }

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PopulationSize < 2) problems.Add($"Nsga2Options.PopulationSize must be at least 2; found {PopulationSize}.");
        if (!(CrossoverProbability is >= 0 and <= 1)) problems.Add($"Nsga2Options.CrossoverProbability must be in [0, 1]; found {CrossoverProbability}.");
        if (!(CrossoverEta >= 0) || double.IsInfinity(CrossoverEta)) problems.Add($"Nsga2Options.CrossoverEta must be a finite number ≥ 0; found {CrossoverEta}.");
        if (!(MutationEta >= 0) || double.IsInfinity(MutationEta)) problems.Add($"Nsga2Options.MutationEta must be a finite number ≥ 0; found {MutationEta}.");
        if (MutationProbability is { } m && !(m is >= 0 and <= 1)) problems.Add($"Nsga2Options.MutationProbability must be in [0, 1]; found {m}.");
        return problems;
    }
}
