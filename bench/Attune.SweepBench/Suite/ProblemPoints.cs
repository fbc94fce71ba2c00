using System.Globalization;
using System.Text.Json;
using Attune.SweepBench.Problems;

namespace Attune.SweepBench.Suite;

/// <summary>
/// `Attune.SweepBench eval`: the C# twin of `problems.py eval`, for checking both definitions by hand. Reads a JSON
/// array of {"problem": name, "values": [... null for an inactive parameter], optional "seed" and "trial" for the
/// observed (noisy) value} and prints each value with round-trip precision, one a line.
/// </summary>
public static class ProblemPoints
{
    public static int Evaluate(TextReader input, TextWriter output, string? digitsTable)
    {
        using var json = JsonDocument.Parse(input.ReadToEnd());
        var names = json.RootElement.EnumerateArray().Select(e => e.GetProperty("problem").GetString()!).Distinct();
        var problems = ProblemSet.Select(string.Join(",", names), digitsTable).ToDictionary(p => p.Name);
        foreach (var item in json.RootElement.EnumerateArray())
        {
            var p = problems[item.GetProperty("problem").GetString()!];
            var values = item.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
            double value = item.TryGetProperty("seed", out var seed) ? p.Observe(values, seed.GetInt32(), item.GetProperty("trial").GetInt32()) : p.Evaluate(values);
            output.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
        }
        return 0;
    }
}
