using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// A small snapshot library in the layout of Verify.SourceGenerators: one verified file per generated hint name,
/// <c>Snapshots/&lt;Test&gt;/&lt;hint&gt;.verified.cs</c>, and <c>&lt;Test&gt;.diagnostics.verified.txt</c>. On a mismatch
/// the actual output is written beside them as <c>.received.</c> files and the test fails. Set
/// <c>ATTUNE_ACCEPT_SNAPSHOTS=1</c> to accept (see tests/accept-snapshots.sh).
/// </summary>
public static class Snapshot
{
    private const string AcceptVariable = "ATTUNE_ACCEPT_SNAPSHOTS";

    public static void Verify(GeneratorRun run, [CallerMemberName] string testName = "")
    {
        var directory = Path.Combine(ProjectDirectory(), "Snapshots", testName);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in run.Sources)
            expected[source.HintName[..^".cs".Length] + ".verified.cs"] = source.SourceText.ToString();
        expected[testName + ".diagnostics.verified.txt"] = FormatDiagnostics(run.GeneratorDiagnostics);

        var accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";
        Directory.CreateDirectory(directory);
        var failures = new List<string>();

        foreach (var stale in Directory.GetFiles(directory, "*.verified.*").Select(Path.GetFileName).Where(name => !expected.ContainsKey(name!)))
        {
            if (accept)
                File.Delete(Path.Combine(directory, stale!));
            else
                failures.Add($"{stale}: verified file, but nothing was generated for it (delete it or accept).");
        }

        foreach (var (fileName, actualText) in expected)
        {
            var verifiedPath = Path.Combine(directory, fileName);
            var receivedPath = Path.Combine(directory, fileName.Replace(".verified.", ".received.", StringComparison.Ordinal));
            var actual = Normalize(actualText);
            var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (verified == actual)
            {
                File.Delete(receivedPath);
                continue;
            }

            if (accept)
            {
                File.WriteAllText(verifiedPath, actual);
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, actual);
            failures.Add(verified is null
                ? $"{fileName}: no verified file yet; received written to {receivedPath}."
                : $"{fileName}: differs from the verified file; received written to {receivedPath}.{Environment.NewLine}{Diff(verified, actual)}");
        }

        if (failures.Count > 0)
            Assert.Fail($"Snapshot mismatch in {directory} (accept with {AcceptVariable}=1, see tests/accept-snapshots.sh):{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>One line per diagnostic: ID, severity, file, 1-based line:column span, message.</summary>
    public static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        var builder = new StringBuilder();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            var span = diagnostic.Location.GetLineSpan();
            var file = Path.GetFileName(span.Path);
            builder.Append(diagnostic.Id).Append(' ').Append(diagnostic.Severity).Append(' ')
                .Append(file).Append(' ')
                .Append(span.StartLinePosition.Line + 1).Append(':').Append(span.StartLinePosition.Character + 1)
                .Append('-')
                .Append(span.EndLinePosition.Line + 1).Append(':').Append(span.EndLinePosition.Character + 1)
                .Append(' ').Append(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
                .Append('\n');
        }
        return builder.Length == 0 ? "(no diagnostics)\n" : builder.ToString();
    }

    public static string ProjectDirectory() => Locate();

    private static string Locate([CallerFilePath] string thisFile = "")
    {
        var fromSource = Path.GetDirectoryName(Path.GetDirectoryName(thisFile));
        if (fromSource is not null && File.Exists(Path.Combine(fromSource, "Attune.Generator.Tests.csproj")))
            return fromSource;

        // Path-mapped (deterministic CI) builds: walk up from the output folder instead.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Attune.Generator.Tests");
            if (File.Exists(Path.Combine(candidate, "Attune.Generator.Tests.csproj")))
                return candidate;
            if (File.Exists(Path.Combine(directory.FullName, "Attune.Generator.Tests.csproj")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException("Cannot find the Attune.Generator.Tests source directory for snapshots.");
    }

    /// <summary>Line endings unified, and the generator's version scrubbed from <c>[GeneratedCode]</c>, so that a version
    /// bump does not rewrite every snapshot (GeneratedCodeVersionTests checks the real version is emitted).</summary>
    private static string Normalize(string text)
        => text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace(GeneratedCodeVersion, GeneratedCodeVersionScrubbed, StringComparison.Ordinal);

    /// <summary>The version argument as the generator writes it.</summary>
    public static string GeneratedCodeVersion => $"(\"{Emit.GeneratorInfo.Name}\", \"{Emit.GeneratorInfo.Version}\")";

    public const string GeneratedCodeVersionScrubbed = "(\"Attune.Generator\", \"{generator version}\")";

    /// <summary>The first differing lines, with a little context: enough to see what changed.</summary>
    private static string Diff(string verified, string actual)
    {
        var expectedLines = verified.Split('\n');
        var actualLines = actual.Split('\n');
        var first = 0;
        while (first < expectedLines.Length && first < actualLines.Length && expectedLines[first] == actualLines[first])
            first++;
        var builder = new StringBuilder();
        builder.AppendLine($"  first difference at line {first + 1}:");
        for (var i = Math.Max(0, first - 2); i < Math.Min(Math.Max(expectedLines.Length, actualLines.Length), first + 6); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end>";
            var a = i < actualLines.Length ? actualLines[i] : "<end>";
            if (e == a)
            {
                builder.AppendLine($"    {i + 1,4}   {e}");
            }
            else
            {
                builder.AppendLine($"    {i + 1,4} - {e}");
                builder.AppendLine($"    {i + 1,4} + {a}");
            }
        }
        return builder.ToString();
    }
}
