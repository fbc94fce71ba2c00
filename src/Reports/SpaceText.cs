using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Attune.Search;

namespace Attune.Reports;

/// <summary>
/// The study's space read back from its stored text (<see cref="StudyInfo.SpaceText"/>: one
/// <see cref="ParameterSpec.Describe"/> line per parameter), so a report needs no <c>[TuneSpace]</c> type. Only what a
/// report shows is read: names, kinds, bounds, log scale and choices (a choice whose text holds ", " cannot be told
/// from two; its values still plot, by index).
/// </summary>
internal static class SpaceText
{
    public static IReadOnlyList<ParameterSpec> Parse(string text)
    {
        var parameters = new List<ParameterSpec>();
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = raw.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0) { parameters.Add(new ParameterSpec(raw, ParameterKind.Float)); continue; }
            string name = raw[..colon], rest = raw[(colon + 2)..];
            int when = rest.IndexOf(" when ", StringComparison.Ordinal);
            if (when >= 0) rest = rest[..when];
            parameters.Add(ParseOne(name, rest));
        }
        return parameters;
    }

    private static ParameterSpec ParseOne(string name, string rest)
    {
        if (rest.StartsWith("choice {", StringComparison.Ordinal) && rest.EndsWith('}'))
            return new ParameterSpec(name, ParameterKind.Categorical, Choices: rest["choice {".Length..^1].Split(", "));
        int open = rest.IndexOf('['), close = rest.IndexOf(']');
        if (open < 0 || close < open) return new ParameterSpec(name, ParameterKind.Float);
        var bounds = rest[(open + 1)..close].Split(", ").Select(b => double.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        string kind = rest[..open].Trim();
        bool log = kind.StartsWith("log", StringComparison.Ordinal);
        return kind.EndsWith("int", StringComparison.Ordinal)
            ? new ParameterSpec(name, ParameterKind.Int, bounds[0], bounds[1], log, Step: 1)
            : new ParameterSpec(name, ParameterKind.Float, bounds[0], bounds[1], log);
    }
}
