using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Attune.EndToEnd.Tests;

/// <summary>`dotnet pack` into a local folder, then a fresh consumer project restores, builds and runs from it.</summary>
[Collection(nameof(BuildsInRepo))]
public class PackageTests
{
    [Fact]
    public void A_fresh_project_builds_and_fine_tunes_from_the_packed_packages()
    {
        var work = Repo.NewTempDirectory("pack");
        try
        {
            var feed = Pack(work, "src/Attributes/Attune.Attributes.csproj", "src/Runtime/Attune.Runtime.csproj");

            var attune = Directory.GetFiles(feed, "Attune.0*.nupkg").Single();
            string version = Regex.Match(Path.GetFileName(attune), @"^Attune\.(.+)\.nupkg$").Groups[1].Value;
            using (var package = ZipFile.OpenRead(attune))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("analyzers/dotnet/cs/Attune.Generator.dll", entries);
                Assert.Contains("lib/net8.0/Attune.Runtime.dll", entries);
                Assert.Contains("buildTransitive/Attune.props", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/") && e.EndsWith("Attune.Generator.dll"));
            }

            var consumer = WriteConsumer(work, feed, version, "Consumer.csproj", "Program.cs");

            var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);
            Assert.True(buildExit == 0, $"The consumer did not build from the packages:\n{buildOutput}");
            Assert.Contains("0 Warning(s)", buildOutput);

            var trace = new Dictionary<string, string> { ["ATTUNE_NATIVE_TRACE"] = "1" };
            var (runExit, runOutput) = Repo.Dotnet("run -c Release --no-build", consumer, trace);
            Assert.True(runExit == 0, $"The consumer failed:\n{runOutput}");
            var result = Regex.Match(runOutput, @"CONSUMER accuracy=(?<acc>[0-9.]+)");
            Assert.True(result.Success, runOutput);
            Assert.True(double.Parse(result.Groups["acc"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.9, runOutput);
            Assert.Matches(@"Attune native fix: (Applied|NotNeeded|NotLinux)", runOutput);

            if (runOutput.Contains("Attune native fix: Applied"))
            {
                // The fix is what makes it run here: opting out brings back TorchSharp's load failure.
                var optOut = new Dictionary<string, string> { ["ATTUNE_NATIVE_FIX"] = "0" };
                var (optExit, optOutput) = Repo.Dotnet("run -c Release --no-build", consumer, optOut);
                Assert.NotEqual(0, optExit);
                Assert.Contains("Failed to load native component LibTorchSharp", optOutput);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
    [Fact]
    public void A_fresh_project_loads_the_real_encoder_from_the_packed_transformers_package()
    {
        var work = Repo.NewTempDirectory("pack-text");
        try
        {
            var feed = Pack(work, "src/Attributes/Attune.Attributes.csproj", "src/Runtime/Attune.Runtime.csproj", "src/Transformers/Attune.Transformers.csproj");
            var transformers = Directory.GetFiles(feed, "Attune.Transformers.0*.nupkg").Single();
            string version = Regex.Match(Path.GetFileName(transformers), @"^Attune\.Transformers\.(.+)\.nupkg$").Groups[1].Value;
            using (var package = ZipFile.OpenRead(transformers))
            {
                var entries = package.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net8.0/Attune.Transformers.dll", entries);
                Assert.DoesNotContain(entries, e => e.EndsWith("Attune.Runtime.dll")); // a dependency on the Attune package, not a copy
            }

            var consumer = WriteConsumer(work, feed, version, "TextConsumer.csproj", "TextProgram.cs");

            var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);
            Assert.True(buildExit == 0, $"The consumer did not build from the packages:\n{buildOutput}");
            var trace = new Dictionary<string, string> { ["ATTUNE_NATIVE_TRACE"] = "1" };
            var (runExit, runOutput) = Repo.Dotnet("run -c Release --no-build", consumer, trace);
            Assert.True(runExit == 0, $"The consumer failed:\n{runOutput}");
            var result = Regex.Match(runOutput, @"TEXTCONSUMER ids=(?<ids>[0-9,]+) similarity=(?<sim>[0-9.-]+)");
            Assert.True(result.Success, runOutput);
            Assert.Equal("101,1996,3185,2001,10889,2204,1010,1045,3866,1996,3772,999,102", result.Groups["ids"].Value);
            // Two paraphrases are close in the real encoder's space (a random one would give about 0).
            Assert.True(double.Parse(result.Groups["sim"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0.5, runOutput);
            Assert.Matches(@"Attune native fix: (Applied|NotNeeded|NotLinux)", runOutput);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Packs the projects into a local feed (a folder) and returns it.</summary>
    private static string Pack(string work, params string[] projects)
    {
        var feed = Path.Combine(work, "feed");
        foreach (var project in projects)
        {
            var (packExit, packOutput) = Repo.Dotnet($"pack \"{Path.Combine(Repo.Root, project)}\" -c {Repo.Configuration} -o \"{feed}\"", Repo.Root);
            Assert.True(packExit == 0, $"dotnet pack {project} failed:\n{packOutput}");
        }
        return feed;
    }

    /// <summary>A fresh project from a template in Consumer/ that restores from the local feed (libtorch and other
    /// registry packages from the machine's global folder), and returns its folder.</summary>
    private static string WriteConsumer(string work, string feed, string version, string project, string program)
    {
        var consumer = Path.Combine(work, "consumer");
        Directory.CreateDirectory(consumer);
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string backend = OperatingSystem.IsWindows() ? "libtorch-cpu-win-x64" : OperatingSystem.IsMacOS() ? "libtorch-cpu-osx-arm64" : "libtorch-cpu-linux-x64";
        File.WriteAllText(Path.Combine(consumer, project),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Consumer", project + ".template"))
                .Replace("@VERSION@", version).Replace("@GLOBAL_PACKAGES@", globalPackages).Replace("@BACKEND@", backend));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", program), Path.Combine(consumer, "Program.cs"));
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="attune-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        return consumer;
    }
}

/// <summary>Tests that build projects of this repository run one at a time: MSBuild outputs are shared.</summary>
[CollectionDefinition(nameof(BuildsInRepo), DisableParallelization = true)]
public class BuildsInRepo { }
