using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Attune.EndToEnd.Tests;

/// <summary>
/// The packages as users get them: <c>dotnet pack</c> of every Attune package into one local folder (once for the
/// class), then fresh consumer projects restore, build and run from it: a fine-tune, a transformer, and a sweep-only
/// program that must pull no TorchSharp.
/// </summary>
[Collection(nameof(BuildsInRepo))]
public class PackageTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    [Fact]
    public void Each_package_holds_its_own_assembly_and_depends_on_the_others_instead_of_copying_them()
    {
        var search = Entries("Attune.Search");
        Assert.Contains("lib/net8.0/Attune.Search.dll", search);
        Assert.Contains("analyzers/dotnet/cs/Attune.Generator.dll", search);
        Assert.Contains("buildTransitive/Attune.Search.props", search);
        Assert.DoesNotContain(search, e => e.StartsWith("lib/") && e.EndsWith("Attune.Generator.dll"));

        var fineTuning = Entries("Attune.FineTuning");
        Assert.Contains("lib/net8.0/Attune.FineTuning.dll", fineTuning);
        Assert.DoesNotContain(fineTuning, e => e.EndsWith("Attune.Search.dll") || e.EndsWith("Attune.Generator.dll"));
        Assert.Contains("lib/net8.0/Attune.Search.PostgreSql.dll", Entries("Attune.Search.PostgreSql"));
        var transformers = Entries("Attune.Transformers");
        Assert.Contains("lib/net8.0/Attune.Transformers.dll", transformers);
        Assert.DoesNotContain(transformers, e => e.EndsWith("Attune.FineTuning.dll"));
        var reports = Entries("Attune.Reports");
        Assert.Contains("lib/net8.0/Attune.Reports.dll", reports);
        Assert.DoesNotContain(reports, e => e.EndsWith("Attune.Search.dll") || e.EndsWith("Attune.FineTuning.dll"));

        // What each package depends on, from its .nuspec: the search side names no model or database package.
        Assert.Equal(["Attune.Attributes", "Microsoft.Data.Sqlite", "Microsoft.Extensions.Logging.Abstractions"], Dependencies("Attune.Search"));
        Assert.Equal(["Attune.Search", "Npgsql"], Dependencies("Attune.Search.PostgreSql"));
        Assert.Equal(["Attune.Search", "Microsoft.Extensions.Logging.Abstractions", "TorchSharp"], Dependencies("Attune.FineTuning"));
        Assert.Contains("Attune.FineTuning", Dependencies("Attune.Transformers"));
        // Reports read studies and run records through Attune.Search: no TorchSharp, so a sweep-only user can have them.
        Assert.Equal(["Attune.Search", "Plotly.NET"], Dependencies("Attune.Reports"));
    }

    [Fact]
    public void A_fresh_project_builds_and_fine_tunes_from_the_packed_packages()
    {
        var consumer = packed.WriteConsumer("finetune", "Consumer.csproj", "Program.cs");

        var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);
        Assert.True(buildExit == 0, $"The consumer did not build from the packages:\n{buildOutput}");
        Assert.True(buildOutput.Contains("0 Warning(s)", StringComparison.Ordinal), buildOutput);   // with a backend, no AT0901

        var trace = new Dictionary<string, string> { ["ATTUNE_NATIVE_TRACE"] = "1" };
        var (runExit, runOutput) = Repo.Dotnet("run -c Release --no-build", consumer, trace);
        Assert.True(runExit == 0, $"The consumer failed:\n{runOutput}");
        var result = Regex.Match(runOutput, @"CONSUMER accuracy=(?<acc>[0-9.]+)");
        Assert.True(result.Success, runOutput);
        Assert.True(double.Parse(result.Groups["acc"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.9, runOutput);
        Assert.Matches(@"Attune native fix: (Applied|NotNeeded|NotLinux)", runOutput);
        // No progress receiver given: live progress by default, as plain lines because the output is redirected here.
        Assert.Matches(@"BlobClassifier epoch 5/5 step \d+/\d+ validation loss [0-9.]+ metric [0-9.]+", runOutput);

        if (runOutput.Contains("Attune native fix: Applied"))
        {
            // The fix is what makes it run here: opting out brings back TorchSharp's load failure.
            var optOut = new Dictionary<string, string> { ["ATTUNE_NATIVE_FIX"] = "0" };
            var (optExit, optOutput) = Repo.Dotnet("run -c Release --no-build", consumer, optOut);
            Assert.NotEqual(0, optExit);
            Assert.Contains("Failed to load native component LibTorchSharp", optOutput);
        }
    }

    [Fact]
    public void Without_a_libtorch_backend_the_program_says_which_package_to_add_before_TorchSharp_fails()
    {
        if (!OperatingSystem.IsLinux()) return;   // the check and its message are Linux's (the packages are per OS)
        var consumer = packed.WriteConsumer("finetune-nobackend", "Consumer.csproj", "Program.cs", withBackend: false);

        var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);   // a build warning (an error under -warnaserror)
        Assert.True(buildExit == 0, $"The consumer without a backend did not build:\n{buildOutput}");
        Assert.Contains("warning AT0901: Consumer references Attune.FineTuning (TorchSharp) but no libtorch backend package", buildOutput);
        Assert.Contains("dotnet add package libtorch-cpu-linux-x64 --version 2.10.0", buildOutput);
        var (runExit, runOutput) = Repo.Dotnet("run -c Release --no-build", consumer);
        Assert.NotEqual(0, runExit);
        Assert.Contains("Attune native fix: BackendMissing: TorchSharp's native backend (libtorch) is not in this app", runOutput);
        Assert.Contains("Add a backend package to the project that builds the app: libtorch-cpu-linux-x64 (version 2.10.0", runOutput);
    }

    [Fact]
    public void A_fresh_project_loads_the_real_encoder_from_the_packed_transformers_package()
    {
        var consumer = packed.WriteConsumer("text", "TextConsumer.csproj", "TextProgram.cs");

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

    [Fact]
    public void A_sweep_only_project_pulls_no_TorchSharp_and_runs_its_sweep()
    {
        var consumer = packed.WriteConsumer("sweep", "SweepConsumer.csproj", "SweepProgram.cs");

        var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);
        Assert.True(buildExit == 0, $"The sweep-only consumer did not build from the packages:\n{buildOutput}");
        Assert.Contains("0 Warning(s)", buildOutput);

        // Nothing of a model in the restore graph or the output folder.
        string assets = File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json"));
        foreach (var absent in new[] { "TorchSharp", "libtorch", "SkiaSharp", "Npgsql", "Google.Protobuf", "Attune.FineTuning", "Plotly.NET", "FSharp.Core" })
            Assert.DoesNotContain($"\"{absent}", assets, StringComparison.OrdinalIgnoreCase);
        var output = Path.Combine(consumer, "bin", "Release", "net10.0");
        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase));
        // runtimes/ holds SQLite's native library for each of ~20 platforms (about 1.7 MB each; a publish for one runtime
        // identifier keeps one): the rest is the managed program, which must be small.
        var runtimes = Path.Combine(output, "runtimes") + Path.DirectorySeparatorChar;
        long managed = files.Where(f => !f.StartsWith(runtimes, StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        long total = files.Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"sweep-only consumer output: {files.Length} files, {total / 1e6:F1} MB, of which {managed / 1e6:F1} MB outside runtimes/");
        Assert.True(managed < 5_000_000, $"The sweep-only output holds {managed / 1e6:F1} MB outside runtimes/; it should hold no model runtime: " +
            string.Join(", ", files.Where(f => !f.StartsWith(runtimes, StringComparison.Ordinal)).OrderByDescending(f => new FileInfo(f).Length).Take(5).Select(Path.GetFileName)));

        // The generator wrote the typed space and nothing that needs TorchSharp or a database driver.
        var generated = Directory.GetFiles(Path.Combine(consumer, "obj"), "*.g.cs", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("BraninSpace.TuneSpace.g.cs", generated);
        Assert.DoesNotContain("Attune.NativeInit.g.cs", generated);
        Assert.DoesNotContain("Attune.StorageInit.g.cs", generated);

        var (runExit, runOutput) = Repo.Dotnet("run -c Release --no-build", consumer, new Dictionary<string, string> { ["ATTUNE_NATIVE_TRACE"] = "1" });
        Assert.True(runExit == 0, $"The sweep-only consumer failed:\n{runOutput}");
        var result = Regex.Match(runOutput, @"SWEEPCONSUMER best=(?<best>[0-9.]+) trials=40");
        Assert.True(result.Success, runOutput);
        Assert.True(double.Parse(result.Groups["best"].Value, System.Globalization.CultureInfo.InvariantCulture) < 1.5, runOutput); // the minimum is 0.398
        Assert.Contains("SWEEPCONSUMER assemblies=Attune.Attributes,Attune.Search", runOutput);
        // The start line and the progress a sweep shows by default.
        Assert.Matches(@"Study 'BraninSpace' in SQLite file '.*branin\.db': created; running until 40 are complete or pruned \(40 to go\)\.", runOutput);
        Assert.Matches(@"\[40/40\] trial 39 complete [0-9.]+ \| best [0-9.]+ \(#\d+\)", runOutput);
        Assert.DoesNotContain("Attune native fix", runOutput);

        // A PostgreSQL study without the PostgreSQL package: a message that names the package, not "unknown storage".
        var (pgExit, pgOutput) = Repo.Dotnet("run -c Release --no-build -- \"Host=127.0.0.1;Port=1;Username=u;Password=secret;Database=d\"", consumer);
        Assert.Equal(2, pgExit);
        Assert.Contains("names a PostgreSQL study, but PostgreSQL storage is not in this program. Add the package Attune.Search.PostgreSql", pgOutput);
        Assert.DoesNotContain("secret", pgOutput);
    }

    [Fact]
    public void Referencing_the_PostgreSQL_package_is_all_it_takes_to_sweep_on_PostgreSQL()
    {
        var consumer = packed.WriteConsumer("sweep-pg", "SweepConsumer.csproj", "SweepProgram.cs",
            extra: "<PackageReference Include=\"Attune.Search.PostgreSql\" Version=\"@VERSION@\" />");

        var (buildExit, buildOutput) = Repo.Dotnet("build -c Release", consumer);
        Assert.True(buildExit == 0, $"The consumer did not build from the packages:\n{buildOutput}");
        var generated = Directory.GetFiles(Path.Combine(consumer, "obj"), "*.g.cs", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("Attune.StorageInit.g.cs", generated);
        Assert.DoesNotContain("TorchSharp", File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json")), StringComparison.Ordinal);

        // Registered by the generated initializer: the PostgreSQL storage itself answers (a closed port, a clear message).
        var (closedExit, closedOutput) = Repo.Dotnet("run -c Release --no-build -- \"Host=127.0.0.1;Port=1;Username=u;Password=secret;Database=d;Timeout=2\"", consumer,
            new Dictionary<string, string> { ["ATTUNE_POSTGRES_RETRY_SECONDS"] = "1" });
        Assert.NotEqual(0, closedExit);
        Assert.DoesNotContain("is not in this program", closedOutput);
        Assert.Contains("127.0.0.1:1", closedOutput);
        Assert.DoesNotContain("secret", closedOutput);

        // With the test server (always under CI), a real study on it.
        string? server = Environment.GetEnvironmentVariable("ATTUNE_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "CI must provide ATTUNE_TEST_POSTGRES.");
            return;
        }
        var (runExit, runOutput) = Repo.Dotnet($"run -c Release --no-build -- \"{server}\"", consumer);
        Assert.True(runExit == 0, $"The PostgreSQL sweep failed:\n{runOutput}");
        Assert.Contains("Attune.Search.PostgreSql", runOutput);
        Assert.Matches(@"SWEEPCONSUMER best=[0-9.]+ trials=40", runOutput);
    }

    [Fact]
    public void The_attune_tool_installs_from_the_package_and_carries_no_TorchSharp()
    {
        // A dotnet tool carries its dependencies inside (tools/net8.0/any/), so the nuspec lists none: what it may pull
        // is what it holds. It reads checkpoint directories from their headers, so no model runtime may be in it.
        var entries = Entries("Attune.Cli");
        Assert.Empty(Dependencies("Attune.Cli"));
        foreach (var dll in new[] { "attune.dll", "Attune.Search.dll", "Attune.Search.PostgreSql.dll", "Attune.Attributes.dll", "System.CommandLine.dll", "Npgsql.dll", "Microsoft.Data.Sqlite.dll" })
            Assert.Contains("tools/net8.0/any/" + dll, entries);
        Assert.Contains("tools/net8.0/any/DotnetToolSettings.xml", entries);
        Assert.DoesNotContain(entries, e => e.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase) || e.Contains("libtorch", StringComparison.OrdinalIgnoreCase)
                                            || e.Contains("Attune.FineTuning", StringComparison.Ordinal) || e.Contains("SkiaSharp", StringComparison.Ordinal));

        string toolPath = Path.Combine(Path.GetDirectoryName(packed.Feed)!, "tool");
        var (installExit, installOutput) = Repo.Dotnet($"tool install Attune.Cli --version {packed.Version} --tool-path \"{toolPath}\" --add-source \"{packed.Feed}\"", Repo.Root);
        Assert.True(installExit == 0, $"dotnet tool install failed:\n{installOutput}");
        string attune = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "attune.exe" : "attune");
        var (helpExit, helpOutput) = Run(attune, "--help");
        Assert.True(helpExit == 0, helpOutput);
        Assert.Contains("studies", helpOutput);
        var (usageExit, _) = Run(attune, "trials");
        Assert.Equal(2, usageExit);
    }

    private static (int ExitCode, string Output) Run(string program, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{program} {arguments} did not exit within a minute");
        return (process.ExitCode, output.Result + error.Result);
    }

    private List<string> Entries(string id)
    {
        using var package = ZipFile.OpenRead(packed.Package(id));
        return package.Entries.Select(e => e.FullName).ToList();
    }

    private List<string> Dependencies(string id)
    {
        using var package = ZipFile.OpenRead(packed.Package(id));
        using var reader = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        var nuspec = System.Xml.Linq.XDocument.Load(reader);
        return nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}

/// <summary>Every Attune package packed once into a local feed (a folder), deleted with the test class.</summary>
public sealed class PackedFeed : IDisposable
{
    private static readonly string[] Projects =
    [
        "src/Attributes/Attune.Attributes.csproj", "src/Search/Attune.Search.csproj", "src/Search.PostgreSql/Attune.Search.PostgreSql.csproj",
        "src/FineTuning/Attune.FineTuning.csproj", "src/Transformers/Attune.Transformers.csproj", "src/Reports/Attune.Reports.csproj",
        "src/Cli/Attune.Cli.csproj",
    ];

    private readonly string work = Repo.NewTempDirectory("pack");

    public PackedFeed()
    {
        Feed = Path.Combine(work, "feed");
        foreach (var project in Projects)
        {
            var (packExit, packOutput) = Repo.Dotnet($"pack \"{Path.Combine(Repo.Root, project)}\" -c {Repo.Configuration} -o \"{Feed}\"", Repo.Root);
            if (packExit != 0) throw new InvalidOperationException($"dotnet pack {project} failed:\n{packOutput}");
        }
        string search = Package("Attune.Search");
        Version = Regex.Match(Path.GetFileName(search), @"^Attune\.Search\.(\d.*)\.nupkg$").Groups[1].Value;
    }

    public string Feed { get; }

    public string Version { get; }

    /// <summary>The .nupkg of package <paramref name="id"/> (not of a package whose id merely starts the same).</summary>
    public string Package(string id)
        => Directory.GetFiles(Feed, id + ".*.nupkg").Single(f => Regex.IsMatch(Path.GetFileName(f), "^" + Regex.Escape(id) + @"\.\d"));

    /// <summary>A fresh project from a template in Consumer/ that restores from the local feed (libtorch and other
    /// registry packages from the machine's global folder), and returns its folder.</summary>
    public string WriteConsumer(string name, string project, string program, string extra = "", bool withBackend = true)
    {
        var consumer = Path.Combine(work, name);
        Directory.CreateDirectory(consumer);
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string backend = OperatingSystem.IsWindows() ? "libtorch-cpu-win-x64" : OperatingSystem.IsMacOS() ? "libtorch-cpu-osx-arm64" : "libtorch-cpu-linux-x64";
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Consumer", project + ".template"));
        if (!withBackend)
            template = string.Join('\n', template.Split('\n').Where(line => !line.Contains("@BACKEND@", StringComparison.Ordinal)));
        File.WriteAllText(Path.Combine(consumer, project),
            template
                .Replace("@EXTRA@", extra).Replace("@VERSION@", Version).Replace("@GLOBAL_PACKAGES@", globalPackages).Replace("@BACKEND@", backend));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", program), Path.Combine(consumer, "Program.cs"));
        File.WriteAllText(Path.Combine(consumer, "NuGet.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="attune-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return consumer;
    }

    public void Dispose() => Directory.Delete(work, recursive: true);
}

/// <summary>Tests that build projects of this repository run one at a time: MSBuild outputs are shared.</summary>
[CollectionDefinition(nameof(BuildsInRepo), DisableParallelization = true)]
public class BuildsInRepo { }
