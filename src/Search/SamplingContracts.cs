using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Proposes the next trial's internal values. the history holds every trial of the study, every worker's,
/// including Running ones (a sampler should not pile onto their points: constant liar or equivalent).
/// Implementations are stateless between calls apart from what history carries, so a resumed study samples as if it had
/// never stopped.
/// </summary>
public interface ISampler
{
    double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random);
}

/// <summary>
/// A sampler that weighs several objectives itself (and constraints: <see cref="FrozenTrial.Constraints"/>). A sweep
/// whose score has several objectives or constraints calls this overload; a plain <see cref="ISampler"/> is given each
/// finished trial's Pareto rank instead (see <see cref="ParetoRankHistory"/>).
/// </summary>
public interface IMultiObjectiveSampler : ISampler
{
    /// <summary>As <see cref="ISampler.Sample"/>, with one direction per objective; each finished trial's
    /// <see cref="FrozenTrial.Objectives"/> (or, for a one-objective study, its <see cref="FrozenTrial.Value"/>) and
    /// <see cref="FrozenTrial.Constraints"/> are its score.</summary>
    double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, IReadOnlyList<Direction> directions, Random random);
}

/// <summary>Decides whether a running trial that just reported a step should stop.</summary>
public interface IPruner
{
    bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction);
}
