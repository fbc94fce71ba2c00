using System.CommandLine;
using System.IO;
using System.Text;
using Attune.Search;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary><c>attune export &lt;study&gt;</c>: the runtime's CSV or JSON export (<see cref="SweepExports"/>, the same
/// writer as <c>SweepResult&lt;T&gt;.ExportCsv/ExportJson</c>), to standard output or a file.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var study = StudyArgument();
        var format = new Option<string>("--format", "-f") { Description = "csv (one row per trial, a column per parameter) or json (an array of trials with intermediate values).", Required = true, HelpName = "csv|json" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file (replaced atomically) instead of standard output." };
        var command = new Command("export", "Export a study's trials as CSV or JSON with natural parameter values.") { study, format, output };
        SetAction(command, cli, parsed =>
        {
            using var storage = StorageOption.Open(parsed, cli);
            var s = LoadStudy(storage, parsed.GetValue(study)!);
            bool csv = parsed.GetValue(format) == "csv";
            if (parsed.GetValue(output) is { } file)
            {
                if (csv) s.ExportCsv(file.FullName); else s.ExportJson(file.FullName);
                // On standard error, so that a script piping standard output gets nothing but data.
                cli.Err.WriteLine($"Wrote {s.Trials.Count} trials of '{s.Name}' to {file.FullName}.");
                return AttuneCli.Ok;
            }
            using var buffer = new MemoryStream();
            if (csv) s.WriteCsv(buffer); else s.WriteJson(buffer);
            cli.Out.Write(Encoding.UTF8.GetString(buffer.ToArray()));
            if (!csv) cli.Out.WriteLine();
            return AttuneCli.Ok;
        });
        return command;
    }
}
