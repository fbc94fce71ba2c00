using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Attune.FineTuning;

/// <summary>
/// How to adapt a field with LoRA: rank, alpha, dropout and, for a container field, the name patterns of the
/// <c>Linear</c> layers to adapt (see <see cref="LoraTargets"/> for the syntax). <c>[Lora]</c> becomes one of these.
/// </summary>
public sealed record LoraSpec
{
    /// <param name="rank">The adapters' rank r, at least 1.</param>
    /// <param name="alpha">The adapter output is scaled by alpha / rank; greater than 0.</param>
    /// <param name="dropout">Dropout on the adapter input while training, in [0, 1).</param>
    /// <param name="targets">Name patterns inside a container field; null or empty adapts the field itself (a Linear).</param>
    /// <exception cref="ArgumentException">A value is out of range or a pattern is malformed.</exception>
    public LoraSpec(int rank = 8, double alpha = 16, double dropout = 0.0, IReadOnlyList<string>? targets = null)
    {
        Rank = rank;
        Alpha = alpha;
        Dropout = dropout;
        Targets = targets is null ? Array.Empty<string>() : targets.ToArray();
        var problems = Validate();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid LoRA settings: " + string.Join(" ", problems));
    }

    public int Rank { get; }
    public double Alpha { get; }
    public double Dropout { get; }
    /// <summary>Name patterns; empty when the field itself is the adapted Linear.</summary>
    public IReadOnlyList<string> Targets { get; }
    /// <summary>alpha / rank: the factor on the adapter's output.</summary>
    public double Scale => Alpha / Rank;

    private List<string> Validate()
    {
        var errors = new List<string>();
        if (Rank < 1)
            errors.Add(string.Format(CultureInfo.InvariantCulture, "Rank is {0}; expected at least 1.", Rank));
        if (!(Alpha > 0) || !double.IsFinite(Alpha))
            errors.Add(string.Format(CultureInfo.InvariantCulture, "Alpha is {0}; expected a finite number greater than 0.", Alpha));
        if (!(Dropout >= 0 && Dropout < 1))
            errors.Add(string.Format(CultureInfo.InvariantCulture, "Dropout is {0}; expected a number in [0, 1).", Dropout));
        foreach (var pattern in Targets)
        {
            if (LoraTargets.PatternProblem(pattern) is { } problem)
                errors.Add($"Target pattern '{pattern}' {problem}.");
        }
        return errors;
    }

    /// <summary>Rank, alpha and dropout (not targets): what an adapter's output depends on.</summary>
    /// <summary>This spec with the run's overrides (<see cref="FineTuneOptions.LoraRank"/>, <see cref="FineTuneOptions.LoraAlpha"/>,
    /// <see cref="FineTuneOptions.LoraDropout"/>) applied; the targets stay as declared.</summary>
    public LoraSpec Override(FineTuneOptions? options)
        => options is null || (options.LoraRank is null && options.LoraAlpha is null && options.LoraDropout is null)
            ? this
            : new LoraSpec(options.LoraRank ?? Rank, options.LoraAlpha ?? Alpha, options.LoraDropout ?? Dropout, Targets);

    internal bool SameAdapter(LoraSpec other) => Rank == other.Rank && Alpha.Equals(other.Alpha) && Dropout.Equals(other.Dropout);

    internal string Describe() => string.Format(CultureInfo.InvariantCulture, "rank {0}, alpha {1}, dropout {2}", Rank, Alpha, Dropout);

    public bool Equals(LoraSpec? other)
        => other is not null && SameAdapter(other) && Targets.SequenceEqual(other.Targets, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Rank, Alpha, Dropout, Targets.Count);
}
