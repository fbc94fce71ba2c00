using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Independent draws from each parameter's prior: uniform or log-uniform floats, ints uniform on their step grid
/// (log-uniform then rounded for Log ints), categoricals uniform; inactive conditional parameters are NaN. Ignores the
/// history, so it is a strong, embarrassingly parallel baseline; all randomness comes from the given <see cref="Random"/>.
/// </summary>
public sealed class RandomSampler : ISampler
{
    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(random);
        return SamplingMath.SampleUniform(space, random);
    }
}
