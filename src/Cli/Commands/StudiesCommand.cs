using System.CommandLine;
using System.Linq;
using Attune.Search;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary><c>attune studies</c>: every study in the storage with its trials by state, best value and times.</summary>
internal static class StudiesCommand
{
    public static Command Create(CliContext cli)
    {
        var json = JsonOption();
        var command = new Command("studies", "List the studies in the storage: trials by state, best value, direction, created and last update.") { json };
        SetAction(command, cli, parsed =>
        {
            using var storage = StorageOption.Open(parsed, cli);
            var studies = storage.ListStudies().Select(s => LoadStudy(storage, s.Name)).ToList();
            if (parsed.GetValue(json))
            {
                WriteJson(cli.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("storage", storage.Location);
                    w.WriteStartArray("studies");
                    foreach (var s in studies)
                    {
                        var (complete, pruned, failed, running) = Counts(s);
                        w.WriteStartObject();
                        w.WriteString("name", s.Name);
                        w.WriteString("direction", Lower(s.Direction));
                        w.WriteNumber("trials", s.Trials.Count);
                        w.WriteNumber("complete", complete);
                        w.WriteNumber("pruned", pruned);
                        w.WriteNumber("failed", failed);
                        w.WriteNumber("running", running);
                        NumberOrNull(w, "best_value", s.Best?.Value);
                        if (s.Best is { } b) w.WriteNumber("best_trial", b.Number); else w.WriteNull("best_trial");
                        w.WriteString("created", IsoTime(s.Info.Created));
                        w.WriteString("last_update", IsoTime(s.LastActivity));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return AttuneCli.Ok;
            }
            if (studies.Count == 0)
            {
                cli.Out.WriteLine($"No studies in {storage.Location}.");
                return AttuneCli.Ok;
            }
            cli.Out.WriteLine($"{studies.Count} {(studies.Count == 1 ? "study" : "studies")} in {storage.Location}:");
            Text.Table(cli.Out,
                ["STUDY", "TRIALS", "COMPLETE", "PRUNED", "FAILED", "RUNNING", "BEST", "DIRECTION", "CREATED", "LAST UPDATE"],
                studies.Select(s =>
                {
                    var (complete, pruned, failed, running) = Counts(s);
                    return (System.Collections.Generic.IReadOnlyList<string>)
                    [
                        s.Name, s.Trials.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        complete.ToString(System.Globalization.CultureInfo.InvariantCulture), pruned.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        failed.ToString(System.Globalization.CultureInfo.InvariantCulture), running.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        s.Best is { } b ? $"{Text.Number(b.Value)} (#{b.Number})" : "-", Lower(s.Direction), Text.Time(s.Info.Created), Text.Time(s.LastActivity),
                    ];
                }));
            return AttuneCli.Ok;
        });
        return command;
    }
}
