using System;
using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Attune.Search;

namespace Attune.Cli.Commands;

/// <summary>What every command shares: failures as one message and exit code 1, the study lookup, JSON output.</summary>
internal static class CommandSupport
{
    public static Option<bool> JsonOption() => new("--json") { Description = "Write JSON instead of text (for scripts)." };

    public static Argument<string> StudyArgument() => new("study") { Description = "The study's name (attune studies lists them)." };

    /// <summary>Runs a command's body; an expected failure becomes its message on standard error and exit code 1.
    /// Storages' messages name the storage by its Location, never by the connection string.</summary>
    public static void SetAction(Command command, CliContext cli, Func<ParseResult, int> body)
        => command.SetAction(parsed => Task.FromResult(Guard(cli, () => body(parsed))));

    private static int Guard(CliContext cli, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CliException or StudyStorageUnavailableException or InvalidOperationException or ArgumentException
                                       or NotSupportedException or IOException or UnauthorizedAccessException or DbException)
        {
            cli.Err.WriteLine("attune: " + e.Message);
            return AttuneCli.Failure;
        }
    }

    /// <summary>The study, or a failure naming what was asked for, where, and which studies are there.</summary>
    public static StoredStudy LoadStudy(IStudyStorage storage, string name)
    {
        if (Studies.Load(storage, name) is { } study) return study;
        var names = storage.ListStudies().Select(s => s.Name).ToList();
        string found = names.Count == 0 ? "it holds no studies"
            : $"it holds {names.Count} {(names.Count == 1 ? "study" : "studies")}: {string.Join(", ", names.Take(20).Select(n => "'" + n + "'"))}{(names.Count > 20 ? ", …" : "")}";
        throw new CliException($"No study named '{name}' in {storage.Location}; {found}. (attune studies lists them; --storage or ${StorageOption.Variable} picks another storage.)");
    }

    /// <summary>Writes one JSON document and a newline.</summary>
    public static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: this is read in terminals and by JSON parsers, never embedded in HTML, so "'" stays "'".
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A trial's parameters (the export's natural-typed object), indented with the rest of the document.</summary>
    public static void WriteParams(Utf8JsonWriter json, Attune.Search.StoredStudy study, Attune.Search.StoredTrial trial)
    {
        json.WritePropertyName("params");
        using var parameters = JsonDocument.Parse(study.ParametersJson(trial));
        parameters.WriteTo(json);
    }

    public static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v); else json.WriteNull(name);
    }

    public static string IsoTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Lower(Direction direction) => direction.ToString().ToLowerInvariant();

    public static string Lower(TrialState state) => state.ToString().ToLowerInvariant();

    /// <summary>Trials per state of a study.</summary>
    public static (int Complete, int Pruned, int Failed, int Running) Counts(StoredStudy study)
        => (study.Trials.Count(t => t.State == TrialState.Complete), study.Trials.Count(t => t.State == TrialState.Pruned),
            study.Trials.Count(t => t.State == TrialState.Failed), study.Trials.Count(t => t.State == TrialState.Running));
}
