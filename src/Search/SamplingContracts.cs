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

/// <summary>Decides whether a running trial that just reported a step should stop.</summary>
public interface IPruner
{
    bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction);
}
