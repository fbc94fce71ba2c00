using System.Reflection;
using Attune;
using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>A small space written by hand (the [TuneSpace] generator is not used here): a log float, an int, a
/// three-way choice and a boolean choice.</summary>
public sealed record Knobs(double Lr, int Layers, string Act, bool Bias) : ITuneSpace<Knobs>
{
    public static readonly string[] Acts = ["relu", "gelu", "tanh"];

    public static SearchSpace Space { get; } = new("Knobs",
    [
        new ParameterSpec("Lr", ParameterKind.Float, 1e-4, 0.1, Log: true),
        new ParameterSpec("Layers", ParameterKind.Int, 1, 8, Step: 1),
        new ParameterSpec("Act", ParameterKind.Categorical, Choices: Acts),
        new ParameterSpec("Bias", ParameterKind.Categorical, Choices: ["false", "true"]),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 1, Trials = 5 };

    public static Knobs Decode(IReadOnlyList<double> v) => new(v[0], (int)v[1], Acts[(int)v[2]], v[3] == 1);

    public double[] Encode() => [Lr, Layers, Array.IndexOf(Acts, Act), Bias ? 1 : 0];
}

/// <summary>Knobs after an edit: Layers widened, Bias removed, Momentum added.</summary>
public sealed record KnobsEdited(double Lr, int Layers, string Act, double Momentum) : ITuneSpace<KnobsEdited>
{
    public static SearchSpace Space { get; } = new("Knobs",
    [
        new ParameterSpec("Lr", ParameterKind.Float, 1e-4, 0.1, Log: true),
        new ParameterSpec("Layers", ParameterKind.Int, 1, 16, Step: 1),
        new ParameterSpec("Act", ParameterKind.Categorical, Choices: Knobs.Acts),
        new ParameterSpec("Momentum", ParameterKind.Float, 0, 0.99),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = Knobs.DefaultSweepOptions;

    public static KnobsEdited Decode(IReadOnlyList<double> v) => new(v[0], (int)v[1], Knobs.Acts[(int)v[2]], v[3]);

    public double[] Encode() => [Lr, Layers, Array.IndexOf(Knobs.Acts, Act), Momentum];
}

/// <summary>The space tests/Attune.SweepWorker sweeps (same declaration, same fingerprint).</summary>
public sealed record WorkerSpace(double X, int N) : ITuneSpace<WorkerSpace>
{
    public static SearchSpace Space { get; } = new("WorkerSpace",
    [
        new ParameterSpec("X", ParameterKind.Float, 0, 1),
        new ParameterSpec("N", ParameterKind.Int, 1, 10, Step: 1),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Random, Seed = 7 };

    public static WorkerSpace Decode(IReadOnlyList<double> values) => new(values[0], (int)values[1]);

    public double[] Encode() => [X, N];
}

/// <summary>A finite space (3 × 2 points) for grid search.</summary>
public sealed record WorkerSpaceGrid(int N, bool Flag) : ITuneSpace<WorkerSpaceGrid>
{
    public static SearchSpace Space { get; } = new("WorkerSpaceGrid",
    [
        new ParameterSpec("N", ParameterKind.Int, 1, 3, Step: 1),
        new ParameterSpec("Flag", ParameterKind.Categorical, Choices: ["false", "true"]),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Sampler = Sampler.Grid, Seed = 3 };

    public static WorkerSpaceGrid Decode(IReadOnlyList<double> values) => new((int)values[0], values[1] == 1);

    public double[] Encode() => [N, Flag ? 1 : 0];
}

/// <summary>Prunes every trial once it reports step <see cref="AtStep"/> (optionally only odd-numbered trials).</summary>
internal sealed class StepPruner(int atStep, bool oddOnly = false) : IPruner
{
    public int AtStep { get; } = atStep;
    public int Calls;
    public int LastHistoryCount;

    public bool ShouldPrune(FrozenTrial trial, int step, IReadOnlyList<FrozenTrial> history, Direction direction)
    {
        Interlocked.Increment(ref Calls);
        LastHistoryCount = history.Count;
        if (trial.Intermediate[step] is var v && double.IsNaN(v)) throw new InvalidOperationException("The pruner must see the value just reported.");
        return step >= AtStep && (!oddOnly || trial.Number % 2 == 1);
    }
}

/// <summary>A temporary folder, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "attune-study-" + Guid.NewGuid().ToString("N")[..10]);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class TestStudies
{
    /// <summary>Every trial of a study, read straight from storage.</summary>
    public static IReadOnlyList<StoredTrial> Trials(IStudyStorage storage, string study)
    {
        var info = storage.FindStudy(study) ?? throw new InvalidOperationException($"no study {study}");
        return storage.GetTrialsChangedSince(info.Id, 0).Trials.OrderBy(t => t.Number).ToList();
    }

    public static IReadOnlyList<StoredTrial> Trials(string dbFile, string study)
    {
        using var storage = new SqliteStudyStorage(dbFile);
        return Trials(storage, study);
    }

    /// <summary>Every trial of a study, or null when the file holds no such study yet (a process killed before it made it).</summary>
    public static IReadOnlyList<StoredTrial>? TryTrials(string dbFile, string study)
    {
        using var storage = new SqliteStudyStorage(dbFile);
        return storage.FindStudy(study) is null ? null : Trials(storage, study);
    }

    /// <summary>Starts tests/Attune.SweepWorker on <paramref name="db"/> (output redirected): <paramref name="trials"/>
    /// to reach, trials of <paramref name="sleepMs"/> each, and the grace period for silent workers
    /// (<paramref name="staleSeconds"/>; null: the default, 2 minutes).</summary>
    public static System.Diagnostics.Process StartWorker(string db, string study, int trials, int sleepMs, double? staleSeconds = null)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { WorkerDll, db, study, trials.ToString(System.Globalization.CultureInfo.InvariantCulture), sleepMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        if (staleSeconds is { } s) info.Environment["ATTUNE_STALE_TRIAL_SECONDS"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else info.Environment.Remove("ATTUNE_STALE_TRIAL_SECONDS");
        return System.Diagnostics.Process.Start(info)!;
    }

    public static string WorkerDll => typeof(TestStudies).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SweepWorkerDll").Value!;
}
