using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Attune.Cli.Checkpoints;
using static Attune.Cli.Commands.CommandSupport;

namespace Attune.Cli.Commands;

/// <summary>
/// <c>attune run &lt;checkpoint-dir&gt;</c>: a fine-tune run from what its CheckpointDirectory holds, read without
/// TorchSharp: resume.bin's header (model, options, epochs and steps done, per-epoch results, why it ended), the
/// sidecars of best.bin and last.bin, and every file with its size and time. Per-step rows need the run record file
/// Attune.FineTuning does not write yet.
/// </summary>
internal static class RunCommand
{
    private static readonly string[] WeightsFiles = ["best.bin", "last.bin"];

    public static Command Create(CliContext cli)
    {
        var directory = new Argument<DirectoryInfo>("checkpoint-dir") { Description = "The fine-tune's CheckpointDirectory (holding best.bin, last.bin, resume.bin)." };
        var json = JsonOption();
        var command = new Command("run", "Show a fine-tune run from its checkpoint directory: epochs and steps done, per-epoch results, checkpoints and files.") { directory, json };
        SetAction(command, cli, parsed =>
        {
            var dir = parsed.GetValue(directory)!;
            if (!dir.Exists)
                throw new CliException(File.Exists(dir.FullName)
                    ? $"{dir.FullName} is a file; expected a fine-tune's checkpoint directory (holding best.bin, last.bin and resume.bin)."
                    : $"No directory {dir.FullName}; expected a fine-tune's checkpoint directory (holding best.bin, last.bin and resume.bin).");
            var files = dir.GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            if (!files.Any(f => f.Name == ResumeHeader.FileName || WeightsFiles.Contains(f.Name)))
                throw new CliException($"{dir.FullName} holds no Attune checkpoint: expected best.bin, last.bin or resume.bin, found " +
                                       (files.Count == 0 ? "no files" : string.Join(", ", files.Take(10).Select(f => f.Name)) + (files.Count > 10 ? ", …" : "")) + ".");
            var run = Read(dir.FullName, files);
            if (parsed.GetValue(json)) WriteJsonView(cli, run);
            else WriteText(cli, run);
            return AttuneCli.Ok;
        });
        return command;
    }

    private sealed record RunView(string Directory, ResumeHeader? Resume, string? ResumeProblem, IReadOnlyList<CheckpointSidecar> Checkpoints, IReadOnlyList<FileInfo> Files);

    private static RunView Read(string directory, IReadOnlyList<FileInfo> files)
    {
        ResumeHeader? resume = null;
        string? problem = null;
        string resumePath = Path.Combine(directory, ResumeHeader.FileName);
        if (File.Exists(resumePath))
        {
            try { resume = ResumeHeader.Read(resumePath); }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or FormatException or UnauthorizedAccessException)
            { problem = e.Message; }
        }
        var sidecars = new List<CheckpointSidecar>();
        foreach (string weights in WeightsFiles)
            if (File.Exists(Path.Combine(directory, weights)) && CheckpointSidecar.Read(directory, weights) is { } s) sidecars.Add(s);
        return new RunView(directory, resume, problem, sidecars, files);
    }

    private static void WriteText(CliContext cli, RunView run)
    {
        var o = cli.Out;
        o.WriteLine($"Fine-tune run in {run.Directory}");
        if (run.Resume is { } r)
        {
            string metric = r.Option("Metric") ?? "metric";
            var facts = new List<IReadOnlyList<string>>
            {
                new[] { "  epochs done", r.CompletedEpochs.ToString(CultureInfo.InvariantCulture) + (r.Option("Epochs") is { } planned ? " of " + planned : "") },
                new[] { "  steps done", r.GlobalStep.ToString(CultureInfo.InvariantCulture) },
                new[] { "  best epoch", r.BestEpoch > 0 ? $"{r.BestEpoch} ({metric} {Text.Number(r.BestMetric)}, {r.Option("MetricDirection")?.ToLowerInvariant() ?? "?"})" : "none yet" },
                new[] { "  ended", r.StopReason is null ? "not recorded (the run stopped before it finished, or is still running: Resume = true continues it)" : r.StopReason + (r.StopMessage is { } m ? ": " + m : "") },
                new[] { "  non-finite steps", r.NonFiniteSteps.ToString(CultureInfo.InvariantCulture) },
                new[] { "  resume.bin", $"format {r.FormatVersion}, SHA-256 verified, {r.PlanLines} plan lines" + (r.UnfrozenFields.Count > 0 ? ", unfrozen: " + string.Join(", ", r.UnfrozenFields) : "") },
            };
            Text.Table(o, ["  model", r.ModelName], facts);
            if (r.Epochs.Count > 0)
            {
                o.WriteLine();
                o.WriteLine("Epochs:");
                Text.Table(o, ["  EPOCH", "TRAIN LOSS", "VALIDATION LOSS", metric.ToUpperInvariant(), "LEARNING RATE", "STEPS", "DURATION"],
                    r.Epochs.Select(e => (IReadOnlyList<string>)
                    [
                        "  " + e.Epoch.ToString(CultureInfo.InvariantCulture) + (e.Epoch == r.BestEpoch ? " *" : ""), Text.Number(e.TrainLoss), Text.Number(e.ValidationLoss),
                        Text.Number(e.Metric), Text.Number(e.LearningRate), e.Steps.ToString(CultureInfo.InvariantCulture), Text.Duration(e.Duration),
                    ]));
            }
            o.WriteLine();
            o.WriteLine("Options: " + string.Join(", ", r.Options.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        else if (run.ResumeProblem is { } problem)
            o.WriteLine($"  resume.bin       unreadable: {problem}");
        else
            o.WriteLine("  resume.bin       none (the run did not finish an epoch, or ran with Resume = false)");
        if (run.Checkpoints.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Checkpoints:");
            Text.Table(o, ["  WEIGHTS", "EPOCH", "METRIC", "VALUE", "SAVED"],
                run.Checkpoints.Select(c => (IReadOnlyList<string>)
                [
                    "  " + c.Weights, c.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-", c.Metric ?? "-", Text.Number(c.Value), c.SavedAt is { } t ? Text.Time(t) : "-",
                ]));
        }
        o.WriteLine();
        o.WriteLine("Files:");
        Text.Table(o, ["  NAME", "SIZE", "MODIFIED"],
            run.Files.Select(f => (IReadOnlyList<string>)["  " + f.Name + (IsLeftover(f.Name) ? " (left by an interrupted write)" : ""), Text.Bytes(f.Length), Text.Time(f.LastWriteTimeUtc)]));
    }

    private static void WriteJsonView(CliContext cli, RunView run) => WriteJson(cli.Out, w =>
    {
        w.WriteStartObject();
        w.WriteString("directory", run.Directory);
        if (run.Resume is { } r)
        {
            w.WriteStartObject("resume");
            w.WriteNumber("format_version", r.FormatVersion);
            w.WriteString("model", r.ModelName);
            w.WriteNumber("epochs_done", r.CompletedEpochs);
            w.WriteNumber("steps_done", r.GlobalStep);
            if (r.BestEpoch > 0) w.WriteNumber("best_epoch", r.BestEpoch); else w.WriteNull("best_epoch");
            NumberOrNull(w, "best_metric", r.BestEpoch > 0 ? r.BestMetric : null);
            w.WriteNumber("epochs_without_improvement", r.EpochsWithoutImprovement);
            if (r.StopReason is null) w.WriteNull("ended"); else w.WriteString("ended", r.StopReason);
            if (r.StopMessage is null) w.WriteNull("stop_message"); else w.WriteString("stop_message", r.StopMessage);
            w.WriteNumber("non_finite_steps", r.NonFiniteSteps);
            w.WriteStartObject("options");
            foreach (var (k, v) in r.Options) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteStartArray("unfrozen_fields");
            foreach (var f in r.UnfrozenFields) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartArray("epochs");
            foreach (var e in r.Epochs)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", e.Epoch);
                NumberOrNull(w, "train_loss", e.TrainLoss);
                NumberOrNull(w, "validation_loss", e.ValidationLoss);
                NumberOrNull(w, "metric", e.Metric);
                NumberOrNull(w, "learning_rate", e.LearningRate);
                w.WriteNumber("steps", e.Steps);
                w.WriteNumber("duration_seconds", e.Duration.TotalSeconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else w.WriteNull("resume");
        if (run.ResumeProblem is null) w.WriteNull("resume_problem"); else w.WriteString("resume_problem", run.ResumeProblem);
        w.WriteStartArray("checkpoints");
        foreach (var c in run.Checkpoints)
        {
            w.WriteStartObject();
            w.WriteString("weights", c.Weights);
            if (c.Epoch is { } epoch) w.WriteNumber("epoch", epoch); else w.WriteNull("epoch");
            if (c.Metric is null) w.WriteNull("metric"); else w.WriteString("metric", c.Metric);
            NumberOrNull(w, "value", c.Value);
            if (c.SavedAt is { } t) w.WriteString("saved_at", IsoTime(t)); else w.WriteNull("saved_at");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("files");
        foreach (var f in run.Files)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteNumber("bytes", f.Length);
            w.WriteString("modified", IsoTime(f.LastWriteTimeUtc));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Checkpoints are written to ".&lt;name&gt;.&lt;guid&gt;.tmp" and renamed; one still there was cut off.</summary>
    private static bool IsLeftover(string name) => name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);
}
