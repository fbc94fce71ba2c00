using System.Diagnostics;
using System.Reflection;

namespace Attune.Cli.Tests;

/// <summary>The built tool as a user runs it: a separate process, its exit codes and streams.</summary>
public sealed class ProcessTests(StudyFixture fixture) : IClassFixture<StudyFixture>
{
    private static string ToolDll => typeof(ProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AttuneToolDll").Value!;

    private static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(ToolDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("ATTUNE_STORAGE");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the tool did not exit within a minute");
        return (process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void The_built_tool_runs_reads_the_default_file_and_exits_with_the_documented_codes()
    {
        Assert.True(File.Exists(ToolDll), $"{ToolDll} is not built");
        // The library's default: attune-studies.db in the working directory.
        File.Copy(fixture.File, Path.Combine(fixture.Directory, "attune-studies.db"), overwrite: true);
        var list = Run(fixture.Directory, "studies");
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains($"2 studies in SQLite file '{Path.Combine(fixture.Directory, "attune-studies.db")}'", list.Out);
        var relative = Run(fixture.Directory, "--storage", "studies.db", "show", "demo");
        Assert.True(relative.Code == 0, relative.Err);
        Assert.Contains($"Study 'demo' in SQLite file '{fixture.File}'", relative.Out);

        var usage = Run(fixture.Directory, "trials", "demo", "--sort", "speed");
        Assert.Equal(2, usage.Code);
        Assert.Equal("", usage.Out);
        Assert.Contains("speed", usage.Err);

        var missing = Run(fixture.Directory, "show", "nope");
        Assert.Equal(1, missing.Code);
        Assert.Contains("No study named 'nope'", missing.Err);

        var refused = Run(fixture.Directory, "--storage", fixture.File, "delete", "demo");
        Assert.Equal(2, refused.Code);
    }
}
