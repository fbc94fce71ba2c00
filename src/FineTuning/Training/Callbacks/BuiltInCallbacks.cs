using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using TorchSharp;
using Attune.Search;

namespace Attune.FineTuning;

/// <summary>
/// The loop's own behaviour as callbacks over the same <see cref="TrainerState"/>, in the order they run (documented in
/// docs/training.md): checkpoints (<c>best.bin</c>, <c>last.bin</c>), the run record (<c>run.jsonl</c>), the log, TensorBoard, the caller's progress, the
/// sweep's pruning hook, early stopping; the user's callbacks come after them. Checkpoints come first so that a file
/// is on disk before anything reports the epoch; pruning before early stopping so that a pruned trial says so.
/// Only the ones a run asked for exist: a run without TensorBoard, progress or user callbacks has no step hook at all.
/// </summary>
internal static class BuiltInCallbacks
{
    public static CallbackList Create(FineTuneOptions options, torch.nn.Module model, ILogger logger, Checkpoints? checkpoints,
        TensorBoardLog? tensorBoard, IProgress<FineTuneProgress>? progress, ITrial? trial, IReadOnlyList<ParameterGroupSpec> groups)
    {
        var builtIn = new List<(FineTuneCallback, bool Steps)>();
        if (checkpoints is not null) builtIn.Add((new CheckpointCallback(checkpoints, model, logger), false));
        // The run record (run.jsonl) lives beside the checkpoints; after them, so an epoch's line follows its files.
        if ((options.RunRecordDirectory ?? options.CheckpointDirectory) is { } directory) builtIn.Add((new RunRecordCallback(directory, options, groups, logger), true));
        builtIn.Add((new LoggingCallback(logger), false));
        if (tensorBoard is not null) builtIn.Add((tensorBoard, true));
        if (progress is not null) builtIn.Add((new ProgressCallback(progress), true));
        if (trial is not null) builtIn.Add((new PruningCallback(trial), false));
        if (options.Patience > 0) builtIn.Add((new EarlyStoppingCallback(options.Patience), false));
        return CallbackList.Create(builtIn, options.Callbacks);
    }
}
