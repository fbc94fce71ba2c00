using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// Implemented by the generated half of every <c>[TuneSpace]</c> type: the typed bridge between an instance of the
/// user's record and the internal values samplers and storage work with (one double per parameter, in
/// <see cref="SearchSpace.Parameters"/> order: floats and ints by value, categoricals by choice index, NaN when a
/// conditional parameter is inactive).
/// </summary>
public interface ITuneSpace<TSelf> where TSelf : ITuneSpace<TSelf>
{
    /// <summary>The space, as declared by the type's attributes.</summary>
    static abstract SearchSpace Space { get; }

    /// <summary>The options the type's <c>[TuneSpace]</c> attribute declares.</summary>
    static abstract SweepOptions DefaultSweepOptions { get; }

    /// <summary>An instance holding <paramref name="values"/>; inactive parameters keep their initializer's value.</summary>
    static abstract TSelf Decode(IReadOnlyList<double> values);

    /// <summary>This instance's internal values.</summary>
    double[] Encode();
}
