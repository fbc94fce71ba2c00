using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Attune.FineTuning;

/// <summary>
/// Picks the <c>Linear</c> layers of a container by name. Names are the dotted names of the container's
/// <c>named_modules()</c> ("layers.0.q"). A pattern is dot-separated segments: <c>**</c> as a whole segment matches any
/// number of name segments (also none); in any other segment <c>*</c> matches any characters except a dot; everything
/// else matches itself. A pattern matches a whole name, never a prefix: "fc1" is only the container's own "fc1".
/// </summary>
public static class LoraTargets
{
    /// <summary>Why <paramref name="pattern"/> is malformed, or null when it is fine.</summary>
    public static string? PatternProblem(string? pattern) => LoraPattern.Problem(pattern);

    /// <summary>True when <paramref name="pattern"/> matches the whole dotted <paramref name="name"/>.</summary>
    public static bool Matches(string pattern, string name) => LoraPattern.Matches(pattern, name);

    /// <summary>
    /// The <c>Linear</c> layers of <paramref name="container"/> that the patterns pick, in <c>named_modules()</c> order,
    /// each once however many patterns match it.
    /// </summary>
    /// <param name="fieldName">The container's name in the model, for messages.</param>
    /// <param name="container">The module whose named_modules() are searched.</param>
    /// <param name="patterns">The patterns; each must match at least one Linear.</param>
    /// <exception cref="ArgumentException">A pattern is malformed, or matches no Linear: the message names the pattern,
    /// the field and the Linear layers that exist (a misspelled target is never ignored).</exception>
    public static IReadOnlyList<(string Name, Linear Layer)> Resolve(string fieldName, torch.nn.Module container, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(patterns);
        var modules = container.named_modules().ToList();
        var linears = modules.Where(m => m.module is Linear).Select(m => (m.name, (Linear)m.module)).ToList();
        var chosen = new List<(string Name, Linear Layer)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            if (PatternProblem(pattern) is { } problem)
                throw new ArgumentException($"LoRA target pattern '{pattern}' of field '{fieldName}' {problem}.");
            int found = 0;
            foreach (var (name, layer) in linears)
            {
                if (!Matches(pattern, name)) continue;
                found++;
                if (seen.Add(name)) chosen.Add((name, layer));
            }
            if (found > 0) continue;

            var others = modules.Where(m => m.module is not Linear && Matches(pattern, m.name))
                .Select(m => $"'{m.name}' ({m.module.GetType().Name})").ToList();
            string existing = linears.Count == 0
                ? $"'{fieldName}' ({container.GetType().Name}) contains no Linear layer at all"
                : $"the Linear layers of '{fieldName}' are: {string.Join(", ", linears.Select(l => l.name))}";
            throw new ArgumentException(
                $"LoRA target pattern '{pattern}' of field '{fieldName}' matches no Linear layer"
                + (others.Count > 0 ? $" (it matches {string.Join(", ", others)}, which are not Linear)" : "")
                + $"; {existing}. Expected a pattern over these dotted names: * matches within one segment, ** any number of segments.");
        }
        return chosen;
    }
}
