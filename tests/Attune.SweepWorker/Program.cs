// A sweep process for the study tests: several of these share one SQLite file.
// Usage: dotnet Attune.SweepWorker.dll <db path> <study name> <trials> <sleep ms per trial> [workers]
// Prints "started <number>" when a trial starts, "stored <number> <state>" once its result is in storage, and
// "done <completed>" at the end. The db path may be a PostgreSQL connection string.
// Environment: ATTUNE_STALE_TRIAL_SECONDS (grace period), ATTUNE_WORKER_RETRY=1 (RetryAbandoned), and for
// bench/coordination ATTUNE_WORKER_TIMINGS=1 (objective timestamps) and ATTUNE_WORKER_BARRIER=1 (warm start).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Attune;
using Attune.Search;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Attune.SweepWorker <db path> <study name> <trials> <sleep ms> [workers]");
    return 2;
}
int trials = int.Parse(args[2], CultureInfo.InvariantCulture);
int sleepMs = int.Parse(args[3], CultureInfo.InvariantCulture);
int workers = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
var options = WorkerSpace.DefaultSweepOptions with { Storage = args[0], StudyName = args[1], Trials = trials, Workers = workers };
// ATTUNE_WORKER_RETRY=1: rerun abandoned trials once (SweepOptions.RetryAbandoned).
if (Environment.GetEnvironmentVariable("ATTUNE_WORKER_RETRY") == "1") options = options with { RetryAbandoned = true };
// ATTUNE_WORKER_TIMINGS=1 (bench/coordination): also "t begin|end <unix µs>" around each objective call.
bool timings = Environment.GetEnvironmentVariable("ATTUNE_WORKER_TIMINGS") == "1";
// ATTUNE_WORKER_BARRIER=1 (bench/coordination, warm start): open the storage, warm up with a 3-trial sweep of a study
// of its own (as a benchmark's warm-up iterations do: JIT compilation, first statements on each connection), print
// "ready", and start the sweep only when a line arrives on standard input, so that every worker's start-up is over
// before the measured window opens.
IStudyStorage? warm = null;
if (Environment.GetEnvironmentVariable("ATTUNE_WORKER_BARRIER") == "1")
{
    warm = StudyStorage.Open(options.Storage);
    Sweep.Run<WorkerSpace>(t => t.Parameters.X, options with { StudyName = $"{options.StudyName}-warmup-{Environment.ProcessId}", Trials = 3, Workers = 1 },
        sampler: null, pruner: null, storage: warm);
    warm.OpenStudy(options.StudyName!, WorkerSpace.Space, options.Direction);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    Console.In.ReadLine();
}
var result = Sweep.Run<WorkerSpace>(trial =>
{
    if (timings) Console.Out.WriteLine($"t begin {UnixMicroseconds()}");
    Console.Out.WriteLine($"started {trial.Number}");
    Console.Out.Flush();
    Thread.Sleep(sleepMs);
    if (timings) Console.Out.WriteLine($"t end {UnixMicroseconds()}");
    return trial.Parameters.X + trial.Parameters.N;
}, options, sampler: null, pruner: null, storage: warm, progress: new Stored());
warm?.Dispose();
int completed = 0;
foreach (var t in result.Trials) if (t.State == TrialState.Complete) completed++;
Console.Out.WriteLine($"done {completed}");
return 0;

static long UnixMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

/// <summary>Prints each trial once its result is stored (progress is reported after the storage write).</summary>
internal sealed class Stored : IProgress<SweepProgress>
{
    public void Report(SweepProgress value)
    {
        lock (this)
        {
            Console.Out.WriteLine($"stored {value.LastTrialNumber} {value.LastState}");
            Console.Out.Flush();
        }
    }
}

/// <summary>The space the worker sweeps (the study tests declare the same one).</summary>
internal sealed record WorkerSpace(double X, int N) : ITuneSpace<WorkerSpace>
{
    public static SearchSpace Space { get; } = new("WorkerSpace", new[]
    {
        new ParameterSpec("X", ParameterKind.Float, 0, 1),
        new ParameterSpec("N", ParameterKind.Int, 1, 10, Step: 1),
    });

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 7 };

    public static WorkerSpace Decode(IReadOnlyList<double> values) => new(values[0], (int)values[1]);

    public double[] Encode() => [X, N];
}
