using System.Globalization;
using System.Text.RegularExpressions;

namespace Attune.EndToEnd.Tests;

/// <summary>
/// The README's first command and its sweep, as a user runs them, on a small budget: the real encoder is loaded from
/// the model package, fine-tuned on real reviews, measured on held-out ones, saved as a Hugging Face folder, and the
/// sweep resumes. (The full-size run and its accuracies are in the README; here only that every arm works end to end.)
/// </summary>
[Collection(nameof(BuildsInRepo))]
public class ReviewSampleTests
{
    [Fact]
    public void Reviews_sample_runs_each_arm_end_to_end_and_saves_the_merged_lora_encoder()
    {
        var work = Repo.NewTempDirectory("reviews");
        try
        {
            var project = Path.Combine(Repo.Root, "samples", "Reviews", "Reviews.csproj");
            var (exit, output) = Repo.Dotnet($"run --project \"{project}\" -c {Repo.Configuration} -- --train 48 --validation 32 --test 64 --arms frozen,lora", work);
            Assert.True(exit == 0, $"The sample failed with exit code {exit}:\n{output}");

            var match = Regex.Match(output, @"REVIEWS frozen_accuracy=(?<f>[0-9.]+) frozen_f1=[0-9.]+ lora_accuracy=(?<l>[0-9.]+) lora_f1=[0-9.]+ seconds=\d+ seed=7");
            Assert.True(match.Success, $"Expected a REVIEWS line in the sample's output:\n{output}");
            foreach (var arm in new[] { "f", "l" })
                Assert.InRange(double.Parse(match.Groups[arm].Value, CultureInfo.InvariantCulture), 0.3, 1.0);
            Assert.Contains("lora epoch 2/2", output);                                   // live progress
            Assert.Contains("Held-out test: 64 reviews", output);
            var folder = Path.Combine(work, ".attune", "reviews", "lora-merged");
            Assert.True(File.Exists(Path.Combine(folder, "config.json")) && File.Exists(Path.Combine(folder, "model.safetensors")),
                "Expected the merged LoRA encoder as a Hugging Face folder.");
            // Each arm's run report, drawn from its run record (no checkpoints).
            foreach (var arm in new[] { "frozen", "lora" })
            {
                string page = Path.Combine(work, ".attune", "reviews", arm + ".html");
                Assert.True(File.Exists(page) && new FileInfo(page).Length > 100_000, $"Expected the {arm} arm's report {page}.\n{output}");
                Assert.True(File.Exists(Path.Combine(work, ".attune", "reviews", "runs", arm, "run.jsonl")), $"Expected the {arm} arm's run record.");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void Reviews_sweep_runs_its_trials_and_a_second_run_resumes_the_study()
    {
        var work = Repo.NewTempDirectory("reviews-sweep");
        try
        {
            var project = Path.Combine(Repo.Root, "samples", "ReviewsSweep", "ReviewsSweep.csproj");
            const string Small = "--train 32 --validation 16 --test 32";
            var (exit, output) = Repo.Dotnet($"run --project \"{project}\" -c {Repo.Configuration} -- --trials 2 {Small}", work);
            Assert.True(exit == 0, $"The sweep failed with exit code {exit}:\n{output}");
            Assert.Matches(@"REVIEWSWEEP best_accuracy=[0-9.]+ default_accuracy=[0-9.]+ complete=2 failed=0 run_now=2", output);

            (exit, output) = Repo.Dotnet($"run --project \"{project}\" -c {Repo.Configuration} --no-build -- --trials 3 {Small}", work);
            Assert.True(exit == 0, $"The resumed sweep failed with exit code {exit}:\n{output}");
            Assert.Matches(@"REVIEWSWEEP best_accuracy=[0-9.]+ default_accuracy=[0-9.]+ complete=3 failed=0 run_now=1", output);
            Assert.Contains("trial  2  Complete", output);                                // numbered on from the first run
            Assert.DoesNotContain("trial  0  ", output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
