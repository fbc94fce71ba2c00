using Attune.Search;

namespace Attune.SweepBench.Problems;

/// <summary>
/// One problem of the search suite (issue 14), minimized. Every problem is defined twice, here and in
/// bench/optuna/problems.py, with the same parameter names, kinds, bounds and formula; ProblemAgreementTests in
/// tests/Attune.Tuning.Tests evaluates both at fixed points so the two cannot drift apart.
/// </summary>
/// <param name="Name">The suite's name for the problem (the --problems option and the CSV's problem column).</param>
/// <param name="Family">continuous, mixed, conditional, categorical, noisy or real.</param>
/// <param name="Space">Its search space; values are internal (ints by value, categoricals by index, NaN when inactive).</param>
/// <param name="Evaluate">The noise-free objective on internal values.</param>
/// <param name="Minimum">The known minimum of <paramref name="Evaluate"/>; regret is measured from it.</param>
/// <param name="Optimum">Internal values where <paramref name="Evaluate"/> attains <paramref name="Minimum"/>.</param>
/// <param name="NoiseSd">Standard deviation of the seeded Gaussian noise added to what the sampler observes (0: none).</param>
public sealed record BenchmarkProblem(
    string Name,
    string Family,
    SearchSpace Space,
    Func<IReadOnlyList<double>, double> Evaluate,
    double Minimum,
    IReadOnlyList<double> Optimum,
    double NoiseSd = 0)
{
    /// <summary>True when every parameter is an unconditional float, so Optuna's CMA-ES applies.</summary>
    public bool IsContinuous => Space.Parameters.All(p => p.Kind == ParameterKind.Float && p.Condition is null);

    /// <summary>What the sampler sees for trial <paramref name="trial"/> of the run with seed <paramref name="seed"/>:
    /// the objective plus, for a noisy problem, <see cref="SeededNoise.Gaussian"/> scaled by <see cref="NoiseSd"/>. The
    /// noise depends only on (seed, trial), so every sampler of a seed meets the same noise sequence.</summary>
    public double Observe(IReadOnlyList<double> values, int seed, int trial) =>
        NoiseSd == 0 ? Evaluate(values) : Evaluate(values) + NoiseSd * SeededNoise.Gaussian(seed, trial);
}
