using System;
using System.CommandLine;
using Attune.Search;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary><c>attune delete &lt;study&gt;</c>: deletes a study and its trials, after a confirmation.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext cli)
    {
        var study = StudyArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (required when standard input is not a terminal)." };
        var command = new Command("delete", "Delete a study and all its trials (other studies in the storage are kept).") { study, yes };
        SetAction(command, cli, parsed =>
        {
            using var storage = StorageOption.Open(parsed, cli);
            var s = LoadStudy(storage, parsed.GetValue(study)!);
            string what = $"study '{s.Name}' and its {s.Trials.Count} {(s.Trials.Count == 1 ? "trial" : "trials")} from {s.Location}";
            if (!parsed.GetValue(yes))
            {
                if (!cli.InputIsTerminal)
                {
                    // Nobody can answer: a script must say --yes rather than have a deletion depend on piped input.
                    cli.Err.WriteLine($"attune: not deleting {what}: standard input is not a terminal, so there is no one to confirm. Pass --yes to delete.");
                    return AttuneCli.Usage;
                }
                cli.Err.Write($"Delete {what}? [y/N] ");
                cli.Err.Flush();
                string? answer = cli.In.ReadLine()?.Trim();
                if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
                {
                    cli.Err.WriteLine("Not deleted.");
                    return AttuneCli.Failure;
                }
            }
            if (!storage.DeleteStudy(s.Name))
                throw new CliException($"Study '{s.Name}' in {s.Location} was gone before it could be deleted (another process deleted it).");
            cli.Out.WriteLine($"Deleted {what}.");
            return AttuneCli.Ok;
        });
        return command;
    }
}
