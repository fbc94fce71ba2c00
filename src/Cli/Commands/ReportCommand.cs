using System.CommandLine;
using System.IO;
using Attune.Reports;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary>
/// <c>attune report &lt;study&gt; -o file.html</c> and <c>attune report --run &lt;checkpoint-dir&gt; -o file.html</c>: the
/// self-contained HTML report of a study (Attune.Reports' <see cref="StudyReport"/>) or of a fine-tune run from the
/// run record in its checkpoint directory (<see cref="RunReport"/>).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext cli)
    {
        var study = new Argument<string?>("study") { Description = "The study's name (attune studies lists them); leave it out with --run.", Arity = ArgumentArity.ZeroOrOne };
        var run = new Option<string?>("--run") { Description = "Report a fine-tune run instead: its checkpoint directory (the run.jsonl a run with a CheckpointDirectory writes)." };
        var output = new Option<string>("--output", "-o") { Description = "The HTML file to write (replaced if it exists).", Required = true };
        var command = new Command("report", "Write a self-contained HTML report (opens offline in any browser) of a study, or of a fine-tune run with --run.") { study, run, output };
        SetAction(command, cli, parsed =>
        {
            string html = Path.GetFullPath(parsed.GetValue(output)!);
            string? name = parsed.GetValue(study);
            if (parsed.GetValue(run) is { } directory)
            {
                if (name is not null)
                    return UsageError(cli, $"give a study or --run, not both (found study '{name}' and --run {directory}).");
                RunReport.Write(directory, html);
                cli.Out.WriteLine($"Wrote the report of the run in {Path.GetFullPath(directory)} to {html}.");
                return AttuneCli.Ok;
            }
            if (name is null)
                return UsageError(cli, "name the study to report (attune studies lists them), or give --run <checkpoint-dir> for a fine-tune run.");
            using var storage = StorageOption.Open(parsed, cli);
            var s = LoadStudy(storage, name);   // the tool's own message for a missing study, as the other commands give
            StudyReport.Write(storage, s.Name, html);
            cli.Out.WriteLine($"Wrote the report of study '{s.Name}' ({s.Trials.Count} {(s.Trials.Count == 1 ? "trial" : "trials")}, {s.Location}) to {html}.");
            return AttuneCli.Ok;
        });
        return command;
    }

    /// <summary>A combination the parser cannot refuse by itself: said like its errors, with exit code 2.</summary>
    private static int UsageError(CliContext cli, string message)
    {
        cli.Err.WriteLine("attune report: " + message);
        cli.Err.WriteLine("Run 'attune report --help' for usage.");
        return AttuneCli.Usage;
    }
}
