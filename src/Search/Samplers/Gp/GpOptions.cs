using System;

namespace Attune.Search;

/// <summary>Settings of <see cref="GpSampler"/>. The defaults aim at the small budgets (tens of trials) where a Gaussian
/// process pays for its cost per proposal; the caps keep a study of thousands of trials comfortable.</summary>
public sealed record GpOptions
{
    /// <summary>Random samples until this many trials finished (completed or pruned): a GP fitted on fewer points mostly
    /// reflects its prior.</summary>
    public int StartupTrials { get; init; } = 10;

    /// <summary>Random points in the encoded space on which the acquisition is evaluated before local refinement (an
    /// eighth of them are perturbations of the best trials instead, so high-dimensional spaces get exploited too).</summary>
    public int Candidates { get; init; } = 512;

    /// <summary>How many of the best candidates are refined by local search (gradient steps on numeric parameters,
    /// every choice tried on categorical ones).</summary>
    public int LocalSearchStarts { get; init; } = 4;

    /// <summary>Starting points of the marginal-likelihood maximisation of the kernel's hyperparameters (the first is
    /// the prior's centre, the second short length scales, the rest drawn from the priors).</summary>
    public int HyperparameterRestarts { get; init; } = 3;

    /// <summary>At most this many finished trials condition the GP (the best quarter, then a spread of the rest chosen
    /// by farthest-point order): its cost grows as n³.</summary>
    public int MaxTrials { get; init; } = 300;

    /// <summary>At most this many of those trials (the first in the order above) are used to fit the hyperparameters,
    /// which needs many factorisations; the posterior then conditions on all <see cref="MaxTrials"/>.</summary>
    public int MaxFitTrials { get; init; } = 100;

    /// <summary>Running trials (other workers') join the GP with its own prediction as their value (the "kriging
    /// believer"): the prediction there is unchanged but its uncertainty collapses, so the expected improvement near a
    /// point already being evaluated drops and parallel workers spread out.</summary>
    public bool KrigingBeliever { get; init; } = true;

    internal void Validate()
    {
        void AtLeast(int value, int min, string name)
        {
            if (value < min) throw new ArgumentOutOfRangeException(nameof(GpOptions), value, $"GpOptions.{name} is {value}; expected at least {min}.");
        }
        AtLeast(StartupTrials, 0, nameof(StartupTrials));
        AtLeast(Candidates, 1, nameof(Candidates));
        AtLeast(LocalSearchStarts, 0, nameof(LocalSearchStarts));
        AtLeast(HyperparameterRestarts, 1, nameof(HyperparameterRestarts));
        AtLeast(MaxTrials, 2, nameof(MaxTrials));
        AtLeast(MaxFitTrials, 2, nameof(MaxFitTrials));
    }
}
