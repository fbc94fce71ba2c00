using Attune.Search;

namespace Attune.Reports.Tests;

/// <summary>A hand-written space (no generator): a uniform float, a log float, an int and a three-way choice.</summary>
public sealed record Knobs(double X, double Lr, int Layers, string Act) : ITuneSpace<Knobs>
{
    public static readonly string[] Acts = ["relu", "gelu", "tanh"];

    public static SearchSpace Space { get; } = new("Knobs",
    [
        new ParameterSpec("X", ParameterKind.Float, -2, 2),
        new ParameterSpec("Lr", ParameterKind.Float, 1e-4, 0.1, Log: true),
        new ParameterSpec("Layers", ParameterKind.Int, 1, 8, Step: 1),
        new ParameterSpec("Act", ParameterKind.Categorical, Choices: Acts),
    ]);

    public static SweepOptions DefaultSweepOptions { get; } = new() { Direction = Direction.Minimize, Trials = 20 };

    public static Knobs Decode(IReadOnlyList<double> v) => new(v[0], v[1], (int)v[2], Acts[(int)v[3]]);

    public double[] Encode() => [X, Lr, Layers, Array.IndexOf(Acts, Act)];

    /// <summary>A loss that X and Lr drive and Layers barely touches; "tanh" is a bit worse. Reported over
    /// <paramref name="epochs"/> epochs, falling toward the final value, so ASHA has something to compare.</summary>
    public static double Objective(Trial<Knobs> trial, int epochs = 9)
    {
        var p = trial.Parameters;
        double final = p.X * p.X + Math.Pow(Math.Log10(p.Lr) + 2.5, 2) + 0.01 * p.Layers + (p.Act == "tanh" ? 0.5 : 0);
        double value = final;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            value = final + 2.0 / epoch;
            trial.Report(epoch, value);
            if (trial.ShouldPrune) break;
        }
        return value;
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "attune-report-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>Where tests keep what a person looks at afterwards (screenshots, the pages): bin/…/artifacts.</summary>
internal static class Artifacts
{
    public static string Directory { get; } = CreateDirectory();

    private static string CreateDirectory()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The repository root (for docs/images), found from the test's folder.</summary>
    public static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (System.IO.File.Exists(Path.Combine(d.FullName, "Dsl.sln"))) return d.FullName;
        return null;
    }
}
