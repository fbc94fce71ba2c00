using System.Diagnostics;
using System.Reflection;
using Xunit.Abstractions;

namespace Attune.FineTuning.Tests;

/// <summary>
/// A fine-tune process (tests/Attune.FineTuneWorker) killed with SIGKILL at a random moment after its first
/// checkpoint — mid-epoch, or just as an epoch's checkpoints are being written — then started again with
/// Resume = true, ends with final weights and per-epoch losses bit-identical to a run never interrupted.
/// </summary>
[Trait("Category", "Fault")]
public class KillAndResumeTests(ITestOutputHelper output)
{
    private static string WorkerDll => typeof(KillAndResumeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FineTuneWorkerDll").Value!;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Killed_at_random_moments_after_the_first_checkpoint_and_resumed_the_run_ends_bit_identical()
    {
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir();
        var (code, lines) = Run(dir.File("reference"), dir.File("reference-result"), resume: false, delayMs: 0, killWhen: null);
        Assert.Equal(0, code);
        Assert.Equal("done resumed=0", lines[^1]);
        byte[] referenceWeights = File.ReadAllBytes(dir.File("reference-result.bin"));
        string[] referenceEpochs = File.ReadAllLines(dir.File("reference-result.txt"));
        Assert.Equal(6, referenceEpochs.Length);

        // 12 steps an epoch, 6 epochs. The moments are random (the seed is printed so a failure can be replayed):
        // a step of epoch 2, a step of epoch 4 or 5, and right after epoch 3's evaluation, while best.bin/last.bin
        // are written and just before resume.bin is.
        int seed = Environment.TickCount & 0xffff;
        var random = new Random(seed);
        int early = 13 + random.Next(12), late = 37 + random.Next(24);
        var moments = new (string Name, Func<string, bool> When)[]
        {
            ($"step {early} (epoch 2)", Step(early)),
            ($"step {late} (epoch {(late - 1) / 12 + 1})", Step(late)),
            ("just after epoch 3's evaluation (checkpoints being written)", line => line == "epoch 3"),
        };
        output.WriteLine($"seed {seed}");
        for (int i = 0; i < moments.Length; i++)
        {
            var (name, when) = moments[i];
            string checkpoints = dir.File($"run{i}"), result = dir.File($"run{i}-result");
            var (killedCode, killedLines) = Run(checkpoints, result, resume: false, delayMs: 10, killWhen: when);
            Assert.NotEqual(0, killedCode); // SIGKILL: 137 from the shell's view, -1/137 from .NET's
            Assert.DoesNotContain(killedLines, l => l.StartsWith("done", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(checkpoints, "resume.bin")), "killed before its first resume checkpoint: " + name);
            // Only whole checkpoints under their own names (a write the kill cut short is a hidden .tmp file, never one of these).
            Assert.DoesNotContain(Directory.GetFiles(checkpoints), f => !f.EndsWith(".tmp", StringComparison.Ordinal)
                && !new[] { "best.bin", "best.json", "last.bin", "last.json", "resume.bin", "run.jsonl" }.Contains(Path.GetFileName(f)));

            var (resumedCode, resumedLines) = Run(checkpoints, result, resume: true, delayMs: 0, killWhen: null);
            Assert.Equal(0, resumedCode);
            int resumedFrom = int.Parse(resumedLines[^1]["done resumed=".Length..]);
            output.WriteLine($"killed at {name} (last line '{killedLines[^1]}'), resumed from epoch {resumedFrom}");
            Assert.InRange(resumedFrom, 1, 5);
            Assert.Equal(referenceEpochs, File.ReadAllLines(result + ".txt"));
            Assert.True(referenceWeights.AsSpan().SequenceEqual(File.ReadAllBytes(result + ".bin")), "final weights differ after a kill at " + name);
        }
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed < Limit, $"took {clock.Elapsed}");
    }

    private static Func<string, bool> Step(int step) => line => line.StartsWith("step ", StringComparison.Ordinal) && int.Parse(line.Split(' ')[2]) >= step;

    /// <summary>Runs the worker; with <paramref name="killWhen"/>, SIGKILLs it at the first stdout line it matches.</summary>
    private static (int Code, List<string> Lines) Run(string checkpoints, string result, bool resume, int delayMs, Func<string, bool>? killWhen)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { WorkerDll, checkpoints, result, resume ? "resume" : "fresh", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
                if (killWhen is not null && killWhen(line)) { process.Kill(entireProcessTree: true); break; }
                if (deadline.Elapsed > Limit) throw new TimeoutException("worker ran past " + Limit);
            }
            if (!process.WaitForExit((int)Limit.TotalMilliseconds)) throw new TimeoutException("worker did not exit");
            if (killWhen is not null && process.ExitCode == 0) throw new InvalidOperationException("the worker finished before the kill moment: " + string.Join(" | ", lines.TakeLast(3)));
            if (killWhen is null && process.ExitCode != 0) throw new InvalidOperationException($"worker exited {process.ExitCode}: {errors.Result}");
            return (process.ExitCode, lines);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
