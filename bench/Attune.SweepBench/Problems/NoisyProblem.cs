using Attune.Tuning.Tests;

namespace Attune.SweepBench.Problems;

/// <summary>
/// Hartmann-6 observed through seeded Gaussian noise of standard deviation 0.1 (3% of its range). The sampler sees the
/// noisy values and picks its best trial by them; regret is scored on the noise-free value of that trial, so a sampler
/// that chases a lucky draw is not rewarded for it.
/// </summary>
public static class NoisyProblem
{
    public const double NoiseSd = 0.1;

    public static BenchmarkProblem Problem() =>
        new("noisy-hartmann6", "noisy", TestFunctions.Hartmann6Space(), TestFunctions.Hartmann6, ContinuousProblems.Hartmann6Minimum,
            ContinuousProblems.Hartmann6Optimum, NoiseSd);
}
