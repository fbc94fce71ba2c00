using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Logging;
using Attune.Search;

namespace Attune.FineTuning;

/// <summary>
/// Writes the run record (<c>run.jsonl</c>, <see cref="RunRecordFormat"/>) into the checkpoint directory, for
/// <c>Attune.Reports</c>' run report and other tools that read a run without TorchSharp. Steps are buffered in memory and
/// appended once per epoch (and at the end), so a step costs one small JSON line and no file access. The record is an
/// account of the run, not part of its result: a failed write is logged once and recording stops, the run goes on
/// (a disk that cannot take a checkpoint still fails the run through the checkpoint callback).
/// </summary>
internal sealed class RunRecordCallback : FineTuneCallback, IBuiltInResource
{
    private readonly RunRecordWriter _writer;
    private readonly FineTuneOptions _options;
    private readonly IReadOnlyList<RunParameterGroup> _groups;
    private readonly ILogger _logger;
    private bool _failed;

    public RunRecordCallback(string checkpointDirectory, FineTuneOptions options, IReadOnlyList<ParameterGroupSpec> groups, ILogger logger)
    {
        // A run-record directory of its own may not exist yet (a checkpoint directory is made by the checkpoints).
        System.IO.Directory.CreateDirectory(checkpointDirectory);
        _writer = new RunRecordWriter(checkpointDirectory);
        _options = options;
        _logger = logger;
        // Counted now, at the start: a group of a field that unfreezes later counts its parameters from then on.
        _groups = groups.Select(g => new RunParameterGroup(g.Name, g.Parameters.Sum(p => p.numel()), g.LearningRate, g.WeightDecay)).ToList();
    }

    public override void OnTrainBegin(TrainerState state, FineTuneControl control)
    {
        if (_failed) return;
        _writer.Start(state.ModelName, _options.Metric.ToString(), _options.EffectiveDirection, state.Epochs, state.TotalSteps, _groups);
        Flush();
    }

    public override void OnStepEnd(TrainerState state, FineTuneControl control)
    {
        if (!_failed) _writer.Step(state.GlobalStep, state.Epoch, state.StepLoss, state.LearningRate, state.StepSkipped);
    }

    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        if (_failed || state.History.Count == 0) return;
        var e = state.History[^1];
        _writer.Epoch(new RunEpoch(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps, e.Duration));
        Flush();
    }

    public override void OnTrainEnd(TrainerState state)
    {
        if (_failed) return;
        _writer.Finish(state.BestEpoch, state.BestMetric, state.StopReason?.ToString(), state.StopMessage);
        Flush();
    }

    private void Flush()
    {
        try { _writer.Flush(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failed = true;
            _logger.LogWarning("Could not write the run record {Path} ({Message}); the run goes on without it, and its report will stop at the last epoch written.", _writer.Path, ex.Message);
        }
    }

    // Steps of an epoch that ended by an exception are written too: the report then shows how far the run got.
    public void Dispose() => Flush();
}
