using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Attune.Search;

namespace Attune.Reports;

/// <summary>
/// A fine-tune run's report: one self-contained HTML file with the loss and learning rate per step, the train and
/// validation loss and metric per epoch with the best epoch marked, the stop reason, and the parameter groups. Read from
/// the run record (<see cref="RunRecordFormat"/>, <c>run.jsonl</c>) that Attune.FineTuning writes into a run's
/// <c>CheckpointDirectory</c>, so this needs no TorchSharp.
/// </summary>
public static class RunReport
{
    /// <summary>Step traces above this many points are drawn as bucket means (the table of epochs stays exact).</summary>
    public const int MaxStepPoints = 20_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report of the run whose checkpoint directory is <paramref name="checkpointDirectory"/>
    /// (or whose <c>run.jsonl</c> it is) to <paramref name="htmlPath"/>.</summary>
    /// <exception cref="System.IO.DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="System.IO.FileNotFoundException">The directory has no run record (the message lists what it has).</exception>
    /// <exception cref="System.IO.InvalidDataException">The record is damaged (the message names the line).</exception>
    public static void Write(string checkpointDirectory, string htmlPath)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        ArgumentNullException.ThrowIfNull(htmlPath);
        Build(RunRecordReader.Read(checkpointDirectory)).Write(htmlPath);
    }

    internal static ReportPage Build(RunRecord run)
    {
        var page = new ReportPage($"Run {run.ModelName}", $"Attune fine-tune report: {run.Epochs.Count} of {run.PlannedEpochs} epochs, {run.Steps.Count} steps recorded; from {run.Path}.");
        page.Facts.Add(("model", run.ModelName));
        page.Facts.Add(("metric", $"{run.Metric} ({run.Direction.ToString().ToLowerInvariant()})"));
        page.Facts.Add(("best epoch", run.BestEpoch > 0 ? $"{run.BestEpoch}: {run.Metric} {run.BestMetric.ToString("G6", Inv)}" : "none (the run has not ended)"));
        page.Facts.Add(("stop", run.Ended ? $"{run.StopReason}" + (string.IsNullOrEmpty(run.StopMessage) ? "" : $": {run.StopMessage}") : "no end line: the run is still going, or it ended with an exception"));
        page.Facts.Add(("planned", $"{run.PlannedEpochs} epochs, {run.PlannedSteps} steps"));
        page.Facts.Add(("starts", run.Starts == 1 ? "1 (never resumed)" : $"{run.Starts} (resumed {run.Starts - 1} time(s))"));
        page.Facts.Add(("trainable parameters", run.Groups.Sum(g => g.TrainableParameters).ToString("N0", Inv)));

        var steps = Downsample(run.Steps);
        string note = steps.Count < run.Steps.Count ? $" Drawn as {steps.Count} bucket means of {run.Steps.Count} steps." : "";
        var epochEnds = EpochEndSteps(run);
        page.Figures.Add(new Figure("step-loss", "Training loss per step", "Each optimizer step's mean loss (skipped non-finite steps are gaps), and each epoch's training and validation loss at the epoch's last step." + note,
            new JsonArray
            {
                new JsonObject { ["type"] = "scattergl", ["mode"] = "lines", ["name"] = "step loss", ["x"] = J.Nums(steps.Select(s => s.Step)), ["y"] = J.Nums(steps.Select(s => s.Loss)),
                    ["line"] = new JsonObject { ["color"] = "#1f77b4", ["width"] = 1 } },
                new JsonObject { ["type"] = "scatter", ["mode"] = "lines+markers", ["name"] = "epoch train loss", ["x"] = J.Nums(epochEnds), ["y"] = J.Nums(run.Epochs.Select(e => e.TrainLoss)),
                    ["line"] = new JsonObject { ["color"] = "#ff7f0e" } },
                new JsonObject { ["type"] = "scatter", ["mode"] = "lines+markers", ["name"] = "epoch validation loss", ["x"] = J.Nums(epochEnds), ["y"] = J.Nums(run.Epochs.Select(e => e.ValidationLoss)),
                    ["line"] = new JsonObject { ["color"] = "#2ca02c" } },
            },
            Layout(J.Axis("step"), J.Axis("loss"))));

        var best = run.Epochs.Where(e => e.Epoch == run.BestEpoch).ToList();
        var metricLayout = Layout(J.Axis("epoch"), J.Axis(run.Metric));
        metricLayout["xaxis"]!["dtick"] = 1;
        page.Figures.Add(new Figure("epoch-metric", $"Validation {run.Metric} per epoch", $"The metric after each epoch; the star is the best epoch (its weights are the run's result).",
            new JsonArray
            {
                new JsonObject { ["type"] = "scatter", ["mode"] = "lines+markers", ["name"] = run.Metric, ["x"] = J.Nums(run.Epochs.Select(e => (double)e.Epoch)), ["y"] = J.Nums(run.Epochs.Select(e => e.Metric)),
                    ["line"] = new JsonObject { ["color"] = "#9467bd" } },
                new JsonObject { ["type"] = "scatter", ["mode"] = "markers", ["name"] = "best epoch", ["x"] = J.Nums(best.Select(e => (double)e.Epoch)), ["y"] = J.Nums(best.Select(e => e.Metric)),
                    ["marker"] = new JsonObject { ["symbol"] = "star", ["size"] = 16, ["color"] = "#e6b800" } },
            },
            metricLayout));

        page.Figures.Add(new Figure("learning-rate", "Learning rate per step", "The default parameter group's learning rate at each step (the schedule, warm-up included); groups with their own rate scale with it." + note,
            new JsonArray
            {
                new JsonObject { ["type"] = "scattergl", ["mode"] = "lines", ["name"] = "learning rate", ["x"] = J.Nums(steps.Select(s => s.Step)), ["y"] = J.Nums(steps.Select(s => s.LearningRate)),
                    ["line"] = new JsonObject { ["color"] = "#8c564b" } },
            },
            Layout(J.Axis("step"), J.Axis("learning rate"))));

        var epochRows = new JsonArray();
        foreach (var e in run.Epochs)
            epochRows.Add(new JsonArray(e.Epoch, J.Num(e.TrainLoss), J.Num(e.ValidationLoss), J.Num(e.Metric), J.Num(e.LearningRate), e.Steps, J.Num(Math.Round(e.Duration.TotalSeconds, 3)), e.Epoch == run.BestEpoch ? "best" : ""));
        page.Tables.Add(new Table("epochs", "Epochs", "Each evaluated epoch.", ["epoch", "train loss", "validation loss", run.Metric, "learning rate", "steps", "seconds", ""], epochRows));
        var groupRows = new JsonArray();
        foreach (var g in run.Groups)
            groupRows.Add(new JsonArray(g.Name, g.TrainableParameters, J.Num(g.LearningRate), J.Num(g.WeightDecay)));
        page.Tables.Add(new Table("groups", "Parameter groups", "The optimizer's groups at the (last) start: frozen fields are in none; a field that unfreezes later joins then.",
            ["group", "trainable parameters", "learning rate", "weight decay"], groupRows));
        return page;
    }

    /// <summary>The global step at which each epoch ended: the sum of the epochs' steps so far (an epoch's figures
    /// belong to its last step).</summary>
    private static List<double> EpochEndSteps(RunRecord run)
    {
        var ends = new List<double>(run.Epochs.Count);
        var lastStepOfEpoch = run.Steps.GroupBy(s => s.Epoch).ToDictionary(g => g.Key, g => g.Max(s => s.Step));
        long total = 0;
        foreach (var e in run.Epochs)
        {
            total += e.Steps;
            ends.Add(lastStepOfEpoch.TryGetValue(e.Epoch, out long last) ? last : total);
        }
        return ends;
    }

    /// <summary>Up to <see cref="MaxStepPoints"/> points: beyond that, consecutive steps are averaged in equal buckets
    /// (finite losses only), which keeps the trend and the page small.</summary>
    private static List<(double Step, double Loss, double LearningRate)> Downsample(IReadOnlyList<RunStep> steps)
    {
        if (steps.Count <= MaxStepPoints) return steps.Select(s => ((double)s.Step, s.Skipped ? double.NaN : s.Loss, s.LearningRate)).ToList();
        var points = new List<(double, double, double)>(MaxStepPoints);
        for (int b = 0; b < MaxStepPoints; b++)
        {
            int from = (int)((long)b * steps.Count / MaxStepPoints), to = (int)((long)(b + 1) * steps.Count / MaxStepPoints);
            var bucket = steps.Skip(from).Take(to - from).ToList();
            var finite = bucket.Where(s => double.IsFinite(s.Loss)).ToList();
            points.Add((bucket.Average(s => (double)s.Step), finite.Count == 0 ? double.NaN : finite.Average(s => s.Loss), bucket.Average(s => s.LearningRate)));
        }
        return points;
    }

    private static JsonObject Layout(JsonObject xAxis, JsonObject yAxis) => new()
    {
        ["margin"] = new JsonObject { ["l"] = 70, ["r"] = 20, ["t"] = 30, ["b"] = 50 },
        ["legend"] = new JsonObject { ["orientation"] = "h", ["y"] = -0.25 },
        ["hovermode"] = "closest", ["height"] = 380, ["xaxis"] = xAxis, ["yaxis"] = yAxis,
    };
}
