using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using Attune.Search;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary><c>attune trials &lt;study&gt;</c>: the trials, filtered by state, sorted, limited.</summary>
internal static class TrialsCommand
{
    private static readonly string[] States = ["complete", "pruned", "failed", "running"];
    private static readonly string[] Sorts = ["number", "value", "duration"];

    public static Command Create(CliContext cli)
    {
        var study = StudyArgument();
        var state = new Option<string[]>("--state") { Description = "Only trials in this state (repeat for several).", HelpName = string.Join("|", States) };
        state.AcceptOnlyFromAmong(States);
        var sort = new Option<string>("--sort") { Description = "Sort by trial number, value or duration (trials without one last).", DefaultValueFactory = _ => "number", HelpName = string.Join("|", Sorts) };
        sort.AcceptOnlyFromAmong(Sorts);
        var desc = new Option<bool>("--desc") { Description = "Sort in descending order." };
        var limit = new Option<int?>("--limit", "-n") { Description = "Show at most N trials (after sorting)." };
        limit.Validators.Add(r =>
        {
            // From the token, not the typed value: asking for the value of "--limit many" throws instead of reporting.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n < 1)
                r.AddError($"--limit must be at least 1; got {n}.");
        });
        var json = JsonOption();
        var command = new Command("trials", "List a study's trials: number, state, value, duration, parameters and error.") { study, state, sort, desc, limit, json };
        SetAction(command, cli, parsed =>
        {
            using var storage = StorageOption.Open(parsed, cli);
            var s = LoadStudy(storage, parsed.GetValue(study)!);
            var wanted = (parsed.GetValue(state) ?? []).Select(x => Enum.Parse<TrialState>(x, ignoreCase: true)).ToHashSet();
            IEnumerable<StoredTrial> trials = s.Trials.Where(t => wanted.Count == 0 || wanted.Contains(t.State));
            trials = Sort(trials, parsed.GetValue(sort) ?? "number", parsed.GetValue(desc));
            if (parsed.GetValue(limit) is { } n) trials = trials.Take(n);
            var shown = trials.ToList();
            if (parsed.GetValue(json)) WriteJsonView(cli, s, shown);
            else WriteText(cli, s, shown);
            return AttuneCli.Ok;
        });
        return command;
    }

    /// <summary>Trials without the sort key (running ones have no duration, failed ones no value) stay last in either
    /// order: "the best five" never starts with blanks.</summary>
    private static IEnumerable<StoredTrial> Sort(IEnumerable<StoredTrial> trials, string by, bool descending)
    {
        Func<StoredTrial, double?> key = by switch
        {
            "value" => t => t.Value,
            "duration" => t => StoredStudy.Duration(t)?.TotalSeconds,
            _ => t => t.Number,
        };
        var ordered = trials.OrderBy(t => key(t) is null ? 1 : 0);
        return (descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key)).ThenBy(t => t.Number);
    }

    private static void WriteText(CliContext cli, StoredStudy s, IReadOnlyList<StoredTrial> trials)
    {
        if (trials.Count == 0)
        {
            cli.Out.WriteLine($"No trials match in study '{s.Name}' ({s.Trials.Count} in all).");
            return;
        }
        var names = s.ParameterNames;
        Text.Table(cli.Out,
            ["#", "STATE", "VALUE", "DURATION", .. names, "ERROR"],
            trials.Select(t => (IReadOnlyList<string>)
            [
                t.Number.ToString(CultureInfo.InvariantCulture),
                Lower(t.State) + (t.Failure is { } f && f != TrialFailure.Error ? $" ({f.ToString().ToLowerInvariant()})" : ""),
                Text.Number(t.Value),
                Text.Duration(StoredStudy.Duration(t)),
                .. s.ParameterTexts(t).Select((p, i) => Text.Parameter(s.Space?.Parameters[i], p.Value)),
                Text.Short(t.Error, 60),
            ]));
    }

    private static void WriteJsonView(CliContext cli, StoredStudy s, IReadOnlyList<StoredTrial> trials) => WriteJson(cli.Out, w =>
    {
        w.WriteStartObject();
        w.WriteString("study", s.Name);
        w.WriteString("storage", s.Location);
        w.WriteStartArray("trials");
        foreach (var t in trials)
        {
            w.WriteStartObject();
            w.WriteNumber("number", t.Number);
            w.WriteString("state", Lower(t.State));
            NumberOrNull(w, "value", t.Value);
            NumberOrNull(w, "duration_seconds", StoredStudy.Duration(t)?.TotalSeconds);
            w.WriteString("started", IsoTime(t.Started));
            if (t.Finished is { } f) w.WriteString("finished", IsoTime(f)); else w.WriteNull("finished");
            WriteParams(w, s, t);
            w.WriteStartObject("intermediate");
            foreach (var (step, v) in t.Intermediate.OrderBy(kv => kv.Key)) NumberOrNull(w, step.ToString(CultureInfo.InvariantCulture), v);
            w.WriteEndObject();
            if (t.Failure is { } failure) w.WriteString("failure", failure.ToString().ToLowerInvariant()); else w.WriteNull("failure");
            if (t.RetryOf is { } r) w.WriteNumber("retry_of", r); else w.WriteNull("retry_of");
            if (t.Error is null) w.WriteNull("error"); else w.WriteString("error", t.Error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
