using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace Attune.Search;

/// <summary>
/// The value checks behind every generated <c>Decode</c> and <c>Encode</c> of a <c>[TuneSpace]</c> type. They live here,
/// once, rather than pasted into every space; public only because the generated code in the user's assembly calls them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TuneSpaceValues
{
    /// <summary>Value <paramref name="index"/> of <paramref name="values"/>, which must be a finite number.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite.</exception>
    public static double Number(SearchSpace space, IReadOnlyList<double> values, int index)
    {
        var value = values[index];
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentException($"values[{Text(index)}] ({space.Parameters[index].Name}) is {value.ToString("R", CultureInfo.InvariantCulture)}; expected a finite number.", nameof(values));
        return value;
    }

    /// <summary>Value <paramref name="index"/> of <paramref name="values"/> as a choice index below <paramref name="count"/>
    /// (rounded, since samplers hand out doubles).</summary>
    /// <exception cref="ArgumentException">The value is NaN or, rounded, not an index of one of the choices.</exception>
    public static int ChoiceIndex(SearchSpace space, IReadOnlyList<double> values, int index, int count)
    {
        var value = values[index];
        var rounded = Math.Round(value);
        if (double.IsNaN(value) || rounded < 0 || rounded >= count)
            throw new ArgumentException($"values[{Text(index)}] ({space.Parameters[index].Name}) is {value.ToString("R", CultureInfo.InvariantCulture)}; expected a choice index from 0 to {Text(count - 1)}.", nameof(values));
        return (int)rounded;
    }

    /// <summary>The index of <paramref name="value"/> among the choices of parameter <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not one of the choices (a property set by hand).</exception>
    public static int IndexOf<TValue>(SearchSpace space, TValue[] choices, TValue value, string name)
    {
        var index = Array.IndexOf(choices, value);
        if (index < 0)
            throw new InvalidOperationException($"{name} is {Convert.ToString(value, CultureInfo.InvariantCulture)}, which is not one of its choices ({string.Join(", ", space.Parameters[space.IndexOf(name)].Choices!)}); Encode can only store a declared choice.");
        return index;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
