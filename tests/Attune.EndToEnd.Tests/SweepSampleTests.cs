using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Attune.EndToEnd.Tests;

/// <summary>The sweep sample: a real [TuneSpace] sweep (TPE + ASHA) over the Digits fine-tune, persisted and resumed.</summary>
[Collection(nameof(BuildsInRepo))]
public class SweepSampleTests
{
    // Stated threshold: after 20 trials the best recipe, retrained once, reaches at least 85% held-out accuracy on
    // digits 5-9 from 10 labelled examples per class (seeded: measured 87.4% after 20 trials, against 86.6% for the defaults; see README).
    private const double BestThreshold = 0.85;

    [Fact]
    public void Digits_sweep_finds_a_recipe_above_the_threshold_prunes_with_asha_and_resumes_its_study()
    {
        var work = Repo.NewTempDirectory("digits-sweep");
        try
        {
            var project = Path.Combine(Repo.Root, "samples", "DigitsSweep", "DigitsSweep.csproj");

            // First run: a fresh study of 20 trials.
            var (exit, output) = Repo.Dotnet($"run --project \"{project}\" -c {Repo.Configuration} -- --fresh --trials 20", work);
            Assert.True(exit == 0, $"The sample failed with exit code {exit}:\n{output}");
            var first = SweepLine(output);
            Assert.True(first.Complete + first.Pruned >= 20, $"Expected at least 20 complete or pruned trials; found {first.Complete} + {first.Pruned}.\n{output}");
            Assert.True(first.Pruned >= 1, $"Expected ASHA to prune at least one trial.\n{output}");
            Assert.True(first.Best >= BestThreshold, $"Best recipe's held-out accuracy {first.Best:P1} is below {BestThreshold:P0}.\n{output}");
            Assert.True(first.Default > 0.5, $"The defaults reached only {first.Default:P1} (chance is 20%).\n{output}");
            string study = Path.Combine(work, ".attune", "digits-sweep", "study.db");
            Assert.True(File.Exists(study), $"Expected the study file {study}.");
            Assert.Contains("new study", output);
            string report = Path.ChangeExtension(study, ".html");
            Assert.True(File.Exists(report) && new FileInfo(report).Length > 100_000, $"Expected the study report {report}.\n{output}");
            var firstNumbers = TrialNumbers(Path.Combine(work, ".attune", "digits-sweep", "study.json"));
            Assert.Equal(Enumerable.Range(0, first.Complete + first.Pruned + first.Failed), firstNumbers);

            // Second run, same study, two more trials: it resumes and runs only the missing ones.
            (exit, output) = Repo.Dotnet($"run --project \"{project}\" -c {Repo.Configuration} --no-build -- --trials 22", work);
            Assert.True(exit == 0, $"The resumed sample failed with exit code {exit}:\n{output}");
            Assert.Matches(@"resuming study \S+: 20 trials already complete", output);
            var ranNow = Regex.Matches(output, @"^\s+trial\s+(\d+)\s", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            int before = firstNumbers.Count;
            Assert.Equal(new[] { before, before + 1 }, ranNow);
            var second = SweepLine(output);
            Assert.Equal(22, second.Complete + second.Pruned);
            Assert.True(second.Best >= first.Best, $"Resuming lost the best trial: {second.Best:P1} < {first.Best:P1}.\n{output}");

            // The exports hold every trial once, numbered on from the first run's: no duplicates, no gaps.
            var numbers = TrialNumbers(Path.Combine(work, ".attune", "digits-sweep", "study.json"));
            Assert.Equal(Enumerable.Range(0, before + 2), numbers);
            var csvNumbers = File.ReadAllLines(Path.Combine(work, ".attune", "digits-sweep", "study.csv")).Skip(1)
                .Where(l => l.Length > 0).Select(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).OrderBy(n => n);
            Assert.Equal(numbers, csvNumbers);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static (double Best, double Default, int Complete, int Pruned, int Failed) SweepLine(string output)
    {
        var match = Regex.Match(output, @"SWEEP best_accuracy=(?<b>[0-9.]+) default_accuracy=(?<d>[0-9.]+) complete=(?<c>\d+) pruned=(?<p>\d+) failed=(?<f>\d+)");
        Assert.True(match.Success, $"Expected a SWEEP line in the sample's output:\n{output}");
        return (double.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups["d"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["c"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["p"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["f"].Value, CultureInfo.InvariantCulture));
    }

    private static List<int> TrialNumbers(string jsonPath)
    {
        Assert.True(File.Exists(jsonPath), $"Expected the JSON export {jsonPath}.");
        using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
        return json.RootElement.EnumerateArray().Select(t => t.GetProperty("number").GetInt32()).OrderBy(n => n).ToList();
    }
}
