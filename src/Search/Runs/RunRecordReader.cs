using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using F = Attune.Search.RunRecordFormat;

namespace Attune.Search;

/// <summary>Reads a run record (<see cref="RunRecordFormat"/>) with no TorchSharp: for reports and tools.</summary>
public static class RunRecordReader
{
    /// <summary>Reads <c>run.jsonl</c> from a fine-tune's checkpoint directory (or the file itself, when given a file).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory is not there.</exception>
    /// <exception cref="FileNotFoundException">The directory has no run record (the message lists what it has).</exception>
    /// <exception cref="InvalidDataException">A line is not a JSON object of the format (the message names the line).</exception>
    public static RunRecord Read(string checkpointDirectoryOrFile)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectoryOrFile);
        string path = File.Exists(checkpointDirectoryOrFile) ? checkpointDirectoryOrFile : RunRecordFormat.PathIn(checkpointDirectoryOrFile);
        if (!File.Exists(path))
        {
            string full = System.IO.Path.GetFullPath(checkpointDirectoryOrFile);
            if (!Directory.Exists(full))
                throw new DirectoryNotFoundException($"No run record at {full}: expected a fine-tune's checkpoint directory holding {F.FileName}, but there is no such directory.");
            var present = Directory.EnumerateFileSystemEntries(full).Select(System.IO.Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).Take(12).ToList();
            throw new FileNotFoundException(
                $"No run record in {full}: expected {F.FileName}, found " + (present.Count == 0 ? "an empty directory" : string.Join(", ", present)) +
                ". Attune.FineTuning writes it when FineTuneOptions.CheckpointDirectory is set (runs before this version did not).", path);
        }
        return Parse(File.ReadLines(path), path);
    }

    /// <summary>Parses record lines (from a file named <paramref name="path"/>, for messages).</summary>
    public static RunRecord Parse(IEnumerable<string> lines, string path)
    {
        string model = "", metric = "";
        var direction = Direction.Auto;
        int plannedEpochs = 0, starts = 0, bestEpoch = 0;
        long plannedSteps = 0;
        double bestMetric = double.NaN;
        string? stopReason = null, stopMessage = null;
        bool ended = false;
        var groups = new List<RunParameterGroup>();
        var steps = new SortedDictionary<long, RunStep>();
        var epochs = new SortedDictionary<int, RunEpoch>();
        int lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException ex) { throw Bad(path, lineNumber, $"it is not JSON ({ex.Message})"); }
            using (doc)
            {
                var o = doc.RootElement;
                if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty(F.Type, out var type) || type.ValueKind != JsonValueKind.String)
                    throw Bad(path, lineNumber, "expected a JSON object with a \"type\"");
                try
                {
                    switch (type.GetString())
                    {
                        case F.RunType:
                            starts++;
                            ended = false; // a resumed run goes on after an earlier end line
                            model = o.GetProperty(F.Model).GetString() ?? "";
                            metric = o.GetProperty(F.Metric).GetString() ?? "";
                            direction = Enum.Parse<Direction>(o.GetProperty(F.Direction).GetString() ?? "Auto");
                            plannedEpochs = o.GetProperty(F.Epochs).GetInt32();
                            plannedSteps = o.GetProperty(F.Steps).GetInt64();
                            groups = o.GetProperty(F.Groups).EnumerateArray().Select(g => new RunParameterGroup(
                                g.GetProperty(F.GroupName).GetString() ?? "", g.GetProperty(F.GroupTrainable).GetInt64(),
                                Num(g, F.LearningRate), Num(g, F.WeightDecay))).ToList();
                            break;
                        case F.StepType:
                            long step = o.GetProperty(F.Step).GetInt64();
                            steps[step] = new RunStep(step, o.GetProperty(F.Epoch).GetInt32(), Num(o, F.Loss), Num(o, F.LearningRate),
                                o.TryGetProperty(F.Skipped, out var s) && s.ValueKind == JsonValueKind.True);
                            break;
                        case F.EpochType:
                            int epoch = o.GetProperty(F.Epoch).GetInt32();
                            epochs[epoch] = new RunEpoch(epoch, Num(o, F.TrainLoss), Num(o, F.ValidationLoss), Num(o, F.Metric), Num(o, F.LearningRate),
                                o.GetProperty(F.Steps).GetInt64(), TimeSpan.FromSeconds(double.IsFinite(Num(o, F.Seconds)) ? Num(o, F.Seconds) : 0));
                            break;
                        case F.EndType:
                            ended = true;
                            bestEpoch = o.GetProperty(F.BestEpoch).GetInt32();
                            bestMetric = Num(o, F.BestMetric);
                            stopReason = o.TryGetProperty(F.StopReason, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                            stopMessage = o.TryGetProperty(F.StopMessage, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                            break;
                    }
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
                {
                    throw Bad(path, lineNumber, $"a \"{type.GetString()}\" line lacks a field or has one of the wrong kind ({ex.Message})");
                }
            }
        }
        if (starts == 0)
            throw Bad(path, lineNumber, $"no \"{F.RunType}\" line: the file has {lineNumber} line(s) but not the run's facts, which the first line of a run record holds");
        return new RunRecord
        {
            ModelName = model, Metric = metric, Direction = direction, PlannedEpochs = plannedEpochs, PlannedSteps = plannedSteps,
            Groups = groups, Steps = steps.Values.ToList(), Epochs = epochs.Values.ToList(), Starts = starts, Ended = ended,
            BestEpoch = ended ? bestEpoch : 0, BestMetric = ended ? bestMetric : double.NaN,
            StopReason = ended ? stopReason : null, StopMessage = ended ? stopMessage : null, Path = path,
        };
    }

    private static double Num(JsonElement o, string name)
        => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static InvalidDataException Bad(string path, int line, string what)
        => new($"The run record {path} is damaged at line {line}: {what}. Expected the format of docs/reports.md (one JSON object a line).");
}
