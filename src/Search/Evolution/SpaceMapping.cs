using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// How values of one space are read in another, parameter by parameter and by name (internal values are positional,
/// and a choice's index moves when choices are added or reordered). Classifies every difference as a change that keeps
/// old trials inside the new space (<see cref="Changes"/>), one that needs <see cref="SpaceChange.AllowsNarrowing"/>
/// (<see cref="Narrowing"/>), or one that cannot be migrated at all (<see cref="Impossible"/>).
/// </summary>
internal sealed class SpaceMapping
{
    private readonly SearchSpace from, to;
    private readonly int[] source;          // per parameter of `to`: its index in `from`, or -1 (added)
    private readonly int[]?[] choiceMap;    // per categorical parameter of `to`: old choice index -> new index (-1: removed)
    private readonly double[] defaults;     // per added parameter of `to`: the old trials' value (NaN: none given)
    private readonly int[] dropped;         // indexes of `from` that `to` lacks

    public List<string> Changes { get; } = new();
    public List<string> Narrowing { get; } = new();
    public List<string> Impossible { get; } = new();

    /// <summary>The entries of <see cref="Impossible"/> that hold for every trial (a changed kind or condition); the
    /// others (a removed choice, an added parameter without a default) depend on a trial's values.</summary>
    public List<string> Blocking { get; } = new();

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public SpaceMapping(SearchSpace from, SearchSpace to, SpaceChange? change)
    {
        this.from = from;
        this.to = to;
        source = new int[to.Parameters.Count];
        choiceMap = new int[]?[to.Parameters.Count];
        defaults = new double[to.Parameters.Count];
        for (int j = 0; j < to.Parameters.Count; j++)
        {
            var now = to.Parameters[j];
            int i = from.IndexOf(now.Name);
            source[j] = i;
            defaults[j] = double.NaN;
            if (i < 0) { Added(j, now, change); continue; }
            var old = from.Parameters[i];
            if (old.Describe() == now.Describe()) continue;
            if (old.Kind != now.Kind) { Block($"{now.Name}: changed kind from {old.Kind} to {now.Kind} (\"{old.Describe()}\" to \"{now.Describe()}\"); old values cannot be read as the new kind"); continue; }
            if (!SameCondition(old, now)) { Block($"{now.Name}: its condition changed (\"{old.Describe()}\" to \"{now.Describe()}\"); old trials' active parameters cannot be re-derived"); continue; }
            switch (now.Kind)
            {
                case ParameterKind.Categorical: Choices(j, old, now); break;
                default: Range(old, now); break;
            }
        }
        dropped = Enumerable.Range(0, from.Parameters.Count).Where(i => to.IndexOf(from.Parameters[i].Name) < 0).ToArray();
        foreach (int i in dropped) Narrowing.Add($"{from.Parameters[i].Name}: removed (was \"{from.Parameters[i].Describe()}\"); old trials keep their other values");
        if (Changes.Count + Narrowing.Count + Impossible.Count == 0 && from.Fingerprint != to.Fingerprint)
            Changes.Add($"parameters reordered from ({string.Join(", ", from.Parameters.Select(p => p.Name))}) to ({string.Join(", ", to.Parameters.Select(p => p.Name))})");
    }

    private void Block(string why)
    {
        Impossible.Add(why);
        Blocking.Add(why);
    }

    private static bool SameCondition(ParameterSpec old, ParameterSpec now)
        => (old.Condition, now.Condition) switch
        {
            (null, null) => true,
            ({ } a, { } b) => a.Parameter == b.Parameter && a.ChoiceIndexes.SequenceEqual(b.ChoiceIndexes),
            _ => false,
        };

    private void Added(int j, ParameterSpec now, SpaceChange? change)
    {
        if (change is null || !change.Defaults.TryGetValue(now.Name, out var given))
        {
            Impossible.Add($"{now.Name}: added (\"{now.Describe()}\") with no value for the old trials; give the value they ran with, e.g. SpaceChange.Widen.WithDefault(\"{now.Name}\", …)");
            return;
        }
        double value = Internal(now, given, out string? problem);
        if (problem is not null) { Impossible.Add($"{now.Name}: added with default {Text(given)}, but {problem}"); return; }
        defaults[j] = value;
        Changes.Add($"{now.Name}: added (\"{now.Describe()}\"); old trials ran with {Text(given)}");
    }

    private static string Text(object value) => value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    /// <summary>A natural value (number, choice, its text) as the parameter's internal value; NaN with a problem when it
    /// does not fit the parameter.</summary>
    private static double Internal(ParameterSpec p, object value, out string? problem)
    {
        problem = null;
        if (p.Kind == ParameterKind.Categorical)
        {
            int k = p.Choices!.ToList().IndexOf(Text(value));
            if (k < 0) problem = $"it is not one of the choices ({string.Join(", ", p.Choices!)})";
            return k;
        }
        double v;
        try { v = Convert.ToDouble(value, CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is FormatException or InvalidCastException) { problem = $"it is not a number (a {p.Kind} parameter)"; return double.NaN; }
        var check = ConfigurationCheck.Problem(new SearchSpace("default", [p with { Condition = null }]), [v]);
        if (check is not null) problem = check;
        return v;
    }

    private void Choices(int j, ParameterSpec old, ParameterSpec now)
    {
        var map = old.Choices!.Select(c => now.Choices!.ToList().IndexOf(c)).ToArray();
        choiceMap[j] = map;
        var removed = old.Choices!.Where((_, k) => map[k] < 0).ToList();
        var added = now.Choices!.Where(c => !old.Choices!.Contains(c)).ToList();
        if (removed.Count > 0)
            Impossible.Add($"{now.Name}: choice{(removed.Count == 1 ? "" : "s")} {string.Join(", ", removed)} removed (\"{old.Describe()}\" to \"{now.Describe()}\"); old trials that ran with " +
                $"{(removed.Count == 1 ? "it" : "them")} could not be read in the new space: keep the choice (samplers may still avoid it) or start a new study");
        else if (added.Count > 0) Changes.Add($"{now.Name}: choice{(added.Count == 1 ? "" : "s")} {string.Join(", ", added)} added (\"{old.Describe()}\" to \"{now.Describe()}\")");
        else Changes.Add($"{now.Name}: choices reordered (\"{old.Describe()}\" to \"{now.Describe()}\")");
    }

    private void Range(ParameterSpec old, ParameterSpec now)
    {
        bool wider = now.Low <= old.Low && now.High >= old.High;
        if (now.Kind == ParameterKind.Int)
        {
            // The new grid must hold every old grid point: its step divides the old one and it is aligned with the old low.
            double ns = SamplingMath.IntStep(now), os = SamplingMath.IntStep(old);
            bool aligned = IsWhole(os / ns) && IsWhole((old.Low - now.Low) / ns);
            if (!aligned) { Narrowing.Add($"{now.Name}: grid changed from \"{old.Describe()}\" to \"{now.Describe()}\"; old trials off the new grid no longer fit"); return; }
        }
        if (wider) Changes.Add($"{now.Name}: {(now.Low == old.Low && now.High == old.High ? "rescaled" : "widened")} from \"{old.Describe()}\" to \"{now.Describe()}\"");
        else Narrowing.Add($"{now.Name}: narrowed from \"{old.Describe()}\" to \"{now.Describe()}\"; old trials outside [{N(now.Low)}, {N(now.High)}] are kept but no longer fit");
    }

    private static bool IsWhole(double x) => Math.Abs(x - Math.Round(x)) < 1e-9;

    /// <summary>The values of a trial of <c>from</c> in <c>to</c>, or a reason they cannot be read there (a removed
    /// choice, a dropped parameter that was set, an added parameter with no default). Whether they fit its ranges is
    /// <see cref="ConfigurationCheck"/>'s question.</summary>
    public (double[]? Values, string? Problem) Map(IReadOnlyList<double> old, bool dropSetParameters)
    {
        if (old.Count != from.Parameters.Count) return (null, $"it has {old.Count} values; its space has {from.Parameters.Count} parameters");
        if (!dropSetParameters)
            foreach (int i in dropped)
                if (double.IsFinite(old[i]) && from.IsActive(i, old))
                    return (null, $"it ran with {from.Parameters[i].Name} = {StudyCodec.NaturalText(from.Parameters[i], old[i])}, which this space does not have");
        var values = new double[to.Parameters.Count];
        for (int j = 0; j < values.Length; j++)
        {
            int i = source[j];
            if (i < 0)
            {
                values[j] = defaults[j];
                if (double.IsNaN(values[j]) && to.IsActive(j, values)) return (null, $"{to.Parameters[j].Name} is not in its space (and no default was given for it)");
                continue;
            }
            double v = old[i];
            if (choiceMap[j] is { } map && double.IsFinite(v))
            {
                int k = (int)Math.Round(v);
                if (k < 0 || k >= map.Length || map[k] < 0)
                    return (null, $"it ran with {to.Parameters[j].Name} = {StudyCodec.NaturalText(from.Parameters[i], v)}, which is not a choice of this space");
                v = map[k];
            }
            values[j] = v;
        }
        // A parameter made inactive by its parent's value is NaN, as samplers write it.
        for (int j = 0; j < values.Length; j++) if (!to.IsActive(j, values)) values[j] = double.NaN;
        return (values, null);
    }
}
