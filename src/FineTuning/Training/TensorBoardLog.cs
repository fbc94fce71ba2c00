using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;

namespace Attune.FineTuning;

/// <summary>
/// Opt-in TensorBoard output (<see cref="FineTuneOptions.TensorBoardDirectory"/>): one <c>events.out.tfevents.*</c>
/// file per run in the directory, written through a buffer (<see cref="TensorBoardEventFile"/>: flushed at each epoch
/// end, at least every 2 s while steps are logged, and when the run ends). Tags:
/// <list type="bullet">
/// <item><c>train/loss</c> — per optimizer step (x = step, 1-based): the mean loss over the step's examples;</item>
/// <item><c>train/learning_rate</c> — per optimizer step; with several parameter groups one tag per group,
///   <c>train/learning_rate/{group}</c> (<c>(default)</c> or the field's name);</item>
/// <item><c>train/non_finite_steps</c> — at each skipped step (x = step): how many were skipped so far;</item>
/// <item><c>epoch/train_loss</c>, <c>epoch/validation_loss</c>, <c>epoch/{metric}</c> (e.g. <c>epoch/accuracy</c>)
///   — per epoch (x = epoch, 1-based).</item>
/// </list>
/// Tags are encoded once here, so a step costs only the encoding of its values; when the option is null no instance
/// exists and the step path pays one null check. It is a built-in callback (<see cref="BuiltInCallbacks"/>).
/// </summary>
internal sealed class TensorBoardLog : FineTuneCallback, IBuiltInResource
{
    private static readonly byte[] LossTag = TensorBoardEventFile.Tag("train/loss");
    private static readonly byte[] NonFiniteTag = TensorBoardEventFile.Tag("train/non_finite_steps");
    private static readonly byte[] TrainLossTag = TensorBoardEventFile.Tag("epoch/train_loss");
    private static readonly byte[] ValidationLossTag = TensorBoardEventFile.Tag("epoch/validation_loss");

    private readonly TensorBoardEventFile _file;
    private readonly byte[][] _rateTags;
    private readonly byte[] _metricTag;
    private readonly torch.optim.ILearningRateController[] _controllers;

    private TensorBoardLog(TensorBoardEventFile file, byte[][] rateTags, byte[] metricTag, torch.optim.ILearningRateController[] controllers)
    {
        _file = file;
        _rateTags = rateTags;
        _metricTag = metricTag;
        _controllers = controllers;
    }

    /// <summary>The event file.</summary>
    public string FilePath => _file.FilePath;

    /// <summary>A writer for this run, or null when TensorBoard output is off.</summary>
    public static TensorBoardLog? Open(FineTuneOptions options, IReadOnlyList<ParameterGroupSpec> groups, torch.optim.ILearningRateController[] controllers)
    {
        if (options.TensorBoardDirectory is not { } directory) return null;
        TensorBoardEventFile file;
        try
        {
            file = new TensorBoardEventFile(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string full = Path.GetFullPath(directory);
            // "already exists" for a file in the directory's place says nothing useful: say it is a file.
            string found = File.Exists(full) ? "that path is a file." : e.Message;
            throw new IOException($"Cannot write TensorBoard events to '{full}' (TensorBoardDirectory): {found} Expected a directory this process can create and write.", e);
        }
        var rateTags = new byte[groups.Count][];
        for (int g = 0; g < rateTags.Length; g++)
            rateTags[g] = TensorBoardEventFile.Tag(groups.Count == 1 ? "train/learning_rate" : "train/learning_rate/" + groups[g].Name);
        return new TensorBoardLog(file, rateTags, TensorBoardEventFile.Tag("epoch/" + options.Metric.ToString().ToLowerInvariant()), controllers);
    }

    /// <summary>An applied step: its loss and each group's learning rate. A skipped (non-finite) step: the running
    /// count of skipped steps (the step that stops a diverging run too: the loop calls this before it throws).</summary>
    public override void OnStepEnd(TrainerState state, FineTuneControl control)
    {
        long step = state.GlobalStep;
        if (state.StepSkipped)
        {
            _file.Scalar(NonFiniteTag, state.NonFiniteSteps, step);
            return;
        }
        _file.Scalar(LossTag, (float)state.StepLoss, step);
        for (int g = 0; g < _controllers.Length; g++)
            _file.Scalar(_rateTags[g], (float)_controllers[g].LearningRate, step);
    }

    /// <summary>The epoch's figures; everything logged so far reaches the file.</summary>
    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        var result = state.History[^1];
        _file.Scalar(TrainLossTag, (float)result.TrainLoss, result.Epoch);
        _file.Scalar(ValidationLossTag, (float)result.ValidationLoss, result.Epoch);
        _file.Scalar(_metricTag, (float)result.Metric, result.Epoch);
        _file.Flush();
    }

    public void Dispose() => _file.Dispose();
}
