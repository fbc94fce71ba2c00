using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Attune.Search;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary><c>attune show &lt;study&gt;</c>: the best trial with its parameters, counts per state, and the space.</summary>
internal static class ShowCommand
{
    /// <summary>Shown when the storage has no settings for the study (one written before schema version 3): the tool
    /// says so instead of guessing.</summary>
    private const string SamplerNote = "not recorded (the study predates schema version 3)";

    public static Command Create(CliContext cli)
    {
        var study = StudyArgument();
        var json = JsonOption();
        var command = new Command("show", "Show a study: its best trial and parameter values, trials per state, and its search space.") { study, json };
        SetAction(command, cli, parsed =>
        {
            using var storage = StorageOption.Open(parsed, cli);
            var s = LoadStudy(storage, parsed.GetValue(study)!);
            string? settings = storage.ReadSettings(s.Info.Id);   // as the study was first run: sampler, pruner, seed
            var migrations = storage.ReadMigrations(s.Info.Id);   // recorded space changes (SweepOptions.SpaceChange)
            if (parsed.GetValue(json)) WriteJsonView(cli, s, settings, migrations);
            else WriteText(cli, s, settings, migrations);
            return AttuneCli.Ok;
        });
        return command;
    }

    private static void WriteText(CliContext cli, StoredStudy s, string? settings, IReadOnlyList<SpaceMigration> migrations)
    {
        var (complete, pruned, failed, running) = Counts(s);
        var o = cli.Out;
        o.WriteLine($"Study '{s.Name}' in {s.Location}");
        Text.Table(o, ["  direction", Lower(s.Direction)],
        [
            ["  created", Text.Time(s.Info.Created)],
            ["  last update", Text.Time(s.LastActivity)],
            ["  trials", $"{s.Trials.Count}: {complete} complete, {pruned} pruned, {failed} failed, {running} running"],
            ["  fingerprint", s.Info.Fingerprint],
            ["  settings", settings is null ? SamplerNote : settings + " (as first run)"],
        ]);
        o.WriteLine();
        if (s.Best is { } best)
        {
            o.WriteLine($"Best trial #{best.Number}: value {Text.Number(best.Value)} (ran {Text.Duration(StoredStudy.Duration(best))}, finished {(best.Finished is { } f ? Text.Time(f) : "-")})");
            Text.Table(o, ["  PARAMETER", "VALUE"], s.ParameterTexts(best).Select(p => (IReadOnlyList<string>)["  " + p.Key, p.Value ?? "(inactive)"]));
        }
        else o.WriteLine("Best trial: none yet (no trial completed).");
        o.WriteLine();
        if (s.Space is { } space)
        {
            o.WriteLine($"Space ({space.Parameters.Count} {(space.Parameters.Count == 1 ? "parameter" : "parameters")}):");
            Text.Table(o, ["  PARAMETER", "KIND", "RANGE / CHOICES", "SCALE", "STEP", "ACTIVE WHEN"],
                space.Parameters.Select(p => (IReadOnlyList<string>)
                [
                    "  " + p.Name, p.Kind.ToString().ToLowerInvariant(),
                    p.Kind == ParameterKind.Categorical ? "{" + string.Join(", ", p.Choices!) + "}" : $"[{N(p.Low)}, {N(p.High)}]",
                    p.Kind == ParameterKind.Categorical ? "-" : p.Log ? "log" : "linear",
                    p.Kind == ParameterKind.Int ? N(p.Step) : "-",
                    Condition(space, p) is { } c ? $"{c.Parent} in {{{string.Join(", ", c.Choices)}}}" : "always",
                ]));
        }
        else
        {
            // The stored text is the canonical description; shown as is when it does not read back into a space.
            o.WriteLine("Space (as stored):");
            foreach (var line in s.Info.SpaceText.Split('\n', System.StringSplitOptions.RemoveEmptyEntries)) o.WriteLine("  " + line);
        }
        if (migrations.Count == 0) return;
        // The space was changed explicitly (never silently): each change, when, and the fingerprints before and after.
        o.WriteLine();
        o.WriteLine($"Space migrations ({migrations.Count}):");
        foreach (var m in migrations)
        {
            o.WriteLine($"  {Text.Time(m.When)}: fingerprint {m.OldFingerprint} -> {m.NewFingerprint}");
            foreach (var change in m.Changes) o.WriteLine("    - " + change);
        }
    }

    private static void WriteJsonView(CliContext cli, StoredStudy s, string? settings, IReadOnlyList<SpaceMigration> migrations) => WriteJson(cli.Out, w =>
    {
        var (complete, pruned, failed, running) = Counts(s);
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("storage", s.Location);
        w.WriteString("direction", Lower(s.Direction));
        w.WriteString("created", IsoTime(s.Info.Created));
        w.WriteString("last_update", IsoTime(s.LastActivity));
        w.WriteString("fingerprint", s.Info.Fingerprint);
        if (settings is null) w.WriteNull("settings"); else w.WriteString("settings", settings);
        w.WriteStartObject("trials");
        w.WriteNumber("total", s.Trials.Count);
        w.WriteNumber("complete", complete);
        w.WriteNumber("pruned", pruned);
        w.WriteNumber("failed", failed);
        w.WriteNumber("running", running);
        w.WriteEndObject();
        if (s.Best is { } best)
        {
            w.WriteStartObject("best");
            w.WriteNumber("number", best.Number);
            NumberOrNull(w, "value", best.Value);
            NumberOrNull(w, "duration_seconds", StoredStudy.Duration(best)?.TotalSeconds);
            WriteParams(w, s, best);
            w.WriteEndObject();
        }
        else w.WriteNull("best");
        w.WriteString("space_text", s.Info.SpaceText);
        if (migrations.Count > 0)
        {
            w.WriteStartArray("space_migrations");
            foreach (var m in migrations)
            {
                w.WriteStartObject();
                w.WriteString("at", IsoTime(m.When));
                w.WriteString("old_fingerprint", m.OldFingerprint);
                w.WriteString("new_fingerprint", m.NewFingerprint);
                w.WriteString("old_space_text", m.OldSpaceText);
                w.WriteString("new_space_text", m.NewSpaceText);
                w.WriteStartArray("changes");
                foreach (var change in m.Changes) w.WriteStringValue(change);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (s.Space is { } space)
        {
            w.WriteStartArray("space");
            foreach (var p in space.Parameters)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteString("kind", p.Kind.ToString().ToLowerInvariant());
                if (p.Kind == ParameterKind.Categorical)
                {
                    w.WriteStartArray("choices");
                    foreach (var c in p.Choices!) w.WriteStringValue(c);
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteNumber("low", p.Low);
                    w.WriteNumber("high", p.High);
                    w.WriteBoolean("log", p.Log);
                    if (p.Kind == ParameterKind.Int) w.WriteNumber("step", p.Step);
                }
                if (Condition(space, p) is { } when)
                {
                    w.WriteStartObject("active_when");
                    w.WriteString("parameter", when.Parent);
                    w.WriteStartArray("in");
                    foreach (var choice in when.Choices) w.WriteStringValue(choice);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        else w.WriteNull("space");
        w.WriteEndObject();
    });

    /// <summary>A condition by its parent's choices (their text), not the internal indexes storage keeps.</summary>
    private static (string Parent, IReadOnlyList<string> Choices)? Condition(SearchSpace space, ParameterSpec p)
    {
        if (p.Condition is not { } c) return null;
        var parent = space.Parameters[space.IndexOf(c.Parameter)];
        return (c.Parameter, c.ChoiceIndexes.Select(i => parent.Choices is { } ch && i >= 0 && i < ch.Count ? ch[i] : i.ToString(CultureInfo.InvariantCulture)).ToList());
    }

    private static string N(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
