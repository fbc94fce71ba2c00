using Attune.Search;

namespace Attune.Cli.Tests;

/// <summary>A SQLite study file written once by real sweeps, shared by the read-only tests.</summary>
public sealed class StudyFixture : IDisposable
{
    public StudyFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "attune-cli-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        File = Path.Combine(Directory, "studies.db");
        Demo = StudyMaker.Fill(File);
    }

    public string Directory { get; }
    public string File { get; }

    /// <summary>The demo sweep's typed result, as the program that ran it sees it.</summary>
    public SweepResult<CliSpace> Demo { get; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
