using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;

namespace Attune;

/// <summary>
/// Opt-in TensorBoard output (<see cref="FineTuneOptions.TensorBoardDirectory"/>) through TorchSharp's
/// <c>SummaryWriter</c>, which writes one <c>events.out.tfevents.*</c> file into the directory and appends each scalar
/// synchronously (it opens, appends and flushes the file per scalar). Tags:
/// <list type="bullet">
/// <item><c>train/loss</c> — per optimizer step (x = step, 1-based): the mean loss over the step's examples;</item>
/// <item><c>train/learning_rate</c> — per optimizer step; with several parameter groups one tag per group,
///   <c>train/learning_rate/{group}</c> (<c>(default)</c> or the field's name);</item>
/// <item><c>train/non_finite_steps</c> — at each skipped step (x = step): how many were skipped so far;</item>
/// <item><c>epoch/train_loss</c>, <c>epoch/validation_loss</c>, <c>epoch/{metric}</c> (e.g. <c>epoch/accuracy</c>)
///   — per epoch (x = epoch, 1-based).</item>
/// </list>
/// Tag strings are built once here, so a step costs only the writer's own work; when the option is null no instance
/// exists and the step path pays one null check.
/// </summary>
internal sealed class TensorBoardLog
{
    private readonly TorchSharp.Modules.SummaryWriter _writer;
    private readonly string[] _rateTags;
    private readonly string _metricTag;

    private TensorBoardLog(TorchSharp.Modules.SummaryWriter writer, string[] rateTags, string metricTag)
    {
        _writer = writer;
        _rateTags = rateTags;
        _metricTag = metricTag;
    }

    /// <summary>The directory the events go to (as given, created if missing).</summary>
    public string Directory => _writer.LogDir;

    /// <summary>A writer for this run, or null when TensorBoard output is off.</summary>
    public static TensorBoardLog? Open(FineTuneOptions options, IReadOnlyList<ParameterGroupSpec> groups)
    {
        if (options.TensorBoardDirectory is not { } directory) return null;
        TorchSharp.Modules.SummaryWriter writer;
        try
        {
            writer = torch.utils.tensorboard.SummaryWriter(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"Cannot write TensorBoard events to '{Path.GetFullPath(directory)}' (TensorBoardDirectory): {e.Message} Expected a directory this process can create and write.", e);
        }
        var rateTags = new string[groups.Count];
        for (int g = 0; g < rateTags.Length; g++)
            rateTags[g] = groups.Count == 1 ? "train/learning_rate" : "train/learning_rate/" + groups[g].Name;
        return new TensorBoardLog(writer, rateTags, "epoch/" + options.Metric.ToString().ToLowerInvariant());
    }

    /// <summary>One applied optimizer step: its loss and each group's learning rate.</summary>
    public void Step(long step, double loss, torch.optim.ILearningRateController[] controllers)
    {
        int at = Step32(step);
        _writer.add_scalar("train/loss", (float)loss, at);
        for (int g = 0; g < controllers.Length; g++)
            _writer.add_scalar(_rateTags[g], (float)controllers[g].LearningRate, at);
    }

    /// <summary>A skipped (non-finite) optimizer step: the running count of skipped steps.</summary>
    public void Skipped(long step, long skippedSoFar) => _writer.add_scalar("train/non_finite_steps", skippedSoFar, Step32(step));

    public void Epoch(EpochResult result)
    {
        _writer.add_scalar("epoch/train_loss", (float)result.TrainLoss, result.Epoch);
        _writer.add_scalar("epoch/validation_loss", (float)result.ValidationLoss, result.Epoch);
        _writer.add_scalar(_metricTag, (float)result.Metric, result.Epoch);
    }

    /// <summary>TorchSharp's writer takes an int step; a run past 2³¹ steps keeps logging at the largest value.</summary>
    private static int Step32(long step) => step > int.MaxValue ? int.MaxValue : (int)step;
}
