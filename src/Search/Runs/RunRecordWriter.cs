using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using F = Attune.Search.RunRecordFormat;

namespace Attune.Search;

/// <summary>
/// Appends a run record (<see cref="RunRecordFormat"/>). Lines go to an in-memory buffer and reach the file only on
/// <see cref="Flush"/> (the fine-tune loop flushes at each epoch's end and at the run's end): a step costs one small
/// JSON line in memory and no file access. Steps of an epoch that never ended are lost with it, as that epoch is for
/// resume. Not thread-safe: one run writes it.
/// </summary>
public sealed class RunRecordWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    /// <summary>A writer that appends to <see cref="RunRecordFormat.FileName"/> in <paramref name="checkpointDirectory"/>.</summary>
    public RunRecordWriter(string checkpointDirectory)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        Path = RunRecordFormat.PathIn(checkpointDirectory);
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The record file.</summary>
    public string Path { get; }

    /// <summary>The run's facts, written at every start (a resumed run writes them again).</summary>
    public void Start(string modelName, string metric, Direction direction, int plannedEpochs, long plannedSteps, IReadOnlyList<RunParameterGroup> groups)
    {
        Begin(F.RunType);
        _json.WriteString(F.Model, modelName);
        _json.WriteString(F.Metric, metric);
        _json.WriteString(F.Direction, direction.ToString());
        _json.WriteNumber(F.Epochs, plannedEpochs);
        _json.WriteNumber(F.Steps, plannedSteps);
        _json.WriteStartArray(F.Groups);
        foreach (var g in groups)
        {
            _json.WriteStartObject();
            _json.WriteString(F.GroupName, g.Name);
            _json.WriteNumber(F.GroupTrainable, g.TrainableParameters);
            Number(F.LearningRate, g.LearningRate);
            Number(F.WeightDecay, g.WeightDecay);
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        End();
    }

    /// <summary>One optimizer step (in memory until <see cref="Flush"/>).</summary>
    public void Step(long step, int epoch, double loss, double learningRate, bool skipped)
    {
        Begin(F.StepType);
        _json.WriteNumber(F.Step, step);
        _json.WriteNumber(F.Epoch, epoch);
        Number(F.Loss, loss);
        Number(F.LearningRate, learningRate);
        if (skipped) _json.WriteBoolean(F.Skipped, true); // the common case costs no field
        End();
    }

    /// <summary>One evaluated epoch.</summary>
    public void Epoch(RunEpoch e)
    {
        Begin(F.EpochType);
        _json.WriteNumber(F.Epoch, e.Epoch);
        Number(F.TrainLoss, e.TrainLoss);
        Number(F.ValidationLoss, e.ValidationLoss);
        Number(F.Metric, e.Metric);
        Number(F.LearningRate, e.LearningRate);
        _json.WriteNumber(F.Steps, e.Steps);
        Number(F.Seconds, e.Duration.TotalSeconds);
        End();
    }

    /// <summary>How the run ended.</summary>
    public void Finish(int bestEpoch, double bestMetric, string? stopReason, string? stopMessage)
    {
        Begin(F.EndType);
        _json.WriteNumber(F.BestEpoch, bestEpoch);
        Number(F.BestMetric, bestMetric);
        if (stopReason is null) _json.WriteNull(F.StopReason); else _json.WriteString(F.StopReason, stopReason);
        if (stopMessage is null) _json.WriteNull(F.StopMessage); else _json.WriteString(F.StopMessage, stopMessage);
        End();
    }

    /// <summary>Appends the buffered lines to the file (one open, one write, one close) and empties the buffer.</summary>
    public void Flush()
    {
        if (_buffer.WrittenCount == 0) return;
        using (var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
            file.Write(_buffer.WrittenSpan);
        _buffer.Clear();
        _json.Reset(_buffer);
    }

    private void Begin(string type)
    {
        _json.WriteStartObject();
        _json.WriteString(F.Type, type);
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        // A fresh root for the next line: Utf8JsonWriter allows one top-level value per reset, and resetting keeps its buffers.
        _buffer.Write("\n"u8);
        _json.Reset(_buffer);
    }

    private void Number(string name, double value)
    {
        if (double.IsFinite(value)) _json.WriteNumber(name, value);
        else _json.WriteNull(name);
    }
}
