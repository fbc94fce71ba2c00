using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// The explicit opt-in to change a study's search space (<see cref="SweepOptions.SpaceChange"/>,
/// <see cref="Studies.MigrateSpace{T}(IStudyStorage, string, SpaceChange)"/>). Without one, a changed space is refused
/// (<see cref="SpaceChangedException"/>). With <see cref="Widen"/>: wider ranges, a finer int grid that holds the old one,
/// added or reordered choices, a float's scale switched between linear and log, reordered parameters, and added
/// parameters whose value in the old trials is given with <see cref="WithDefault"/> (the value the code used before the
/// parameter existed: old trials then count as having run with it). <see cref="AllowNarrowing"/> also accepts narrower
/// ranges and removed parameters: the old trials stay, and samplers use only those that still fit the new space.
/// Never accepted: a parameter that changed kind, a removed choice, a changed condition (the old trials could not be
/// read in the new space). Every accepted change is recorded in the study (<see cref="SpaceMigration"/>).
/// </summary>
public sealed record SpaceChange
{
    /// <summary>Accepts changes that keep every old trial inside the new space.</summary>
    public static SpaceChange Widen { get; } = new();

    /// <summary>Also accepts narrower ranges and removed parameters (old trials that no longer fit are kept and ignored by samplers).</summary>
    public static SpaceChange AllowNarrowing { get; } = new() { AllowsNarrowing = true };

    /// <summary>Whether narrower ranges and removed parameters are accepted.</summary>
    public bool AllowsNarrowing { get; init; }

    /// <summary>The value old trials get for each added parameter, by name: a number for a float or int, the choice
    /// itself (or its text, an enum member, a bool) for a choice.</summary>
    public IReadOnlyDictionary<string, object> Defaults { get; init; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>This change, with <paramref name="value"/> as the value the old trials ran with for the added parameter <paramref name="parameter"/>.</summary>
    public SpaceChange WithDefault(string parameter, object value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Defaults = new Dictionary<string, object>(Defaults, StringComparer.Ordinal) { [parameter] = value } };
    }
}
