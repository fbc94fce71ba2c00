using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// A run's resume checkpoint: where it lives, what it must agree on (<see cref="RunFingerprint"/>), the restore of the
/// run's <see cref="TrainerState"/> (and tensors) from it when the run resumes, and the write at every epoch end.
/// </summary>
/// <remarks>
/// A run resumes from its last finished epoch: an interruption mid-epoch (cancellation, a crash, a killed process)
/// loses that epoch's partial work, and the resumed run repeats it from the same weights, optimizer state and random
/// state, so on CPU with a fixed seed it ends bit-identical to a run that was never interrupted.
/// </remarks>
internal sealed class ResumeSession
{
    private ResumeSession(string path, RunFingerprint fingerprint)
    {
        Path = path;
        Fingerprint = fingerprint;
    }

    public string Path { get; }
    public RunFingerprint Fingerprint { get; }
    /// <summary>Whether the run continues this checkpoint (false for a fresh run).</summary>
    public bool Resumed { get; private set; }

    /// <summary>
    /// Null without a checkpoint directory. With <see cref="FineTuneOptions.Resume"/> and a checkpoint there: checks it
    /// against this run and loads it into the model, the best-epoch copy, the optimizer, the generators and the freeze
    /// schedule, and the saved loop state into <paramref name="state"/>; without a checkpoint: logs that the run starts fresh.
    /// </summary>
    /// <exception cref="ResumeException">The checkpoint is unreadable or from a different model, plan or options.</exception>
    public static ResumeSession? Open(nn.Module model, FineTunePlan plan, ParameterGroups groups, FineTuneOptions options, long trainCount,
        FreezeSchedule freezes, BestWeights best, optim.Optimizer optimizer, Generator? shuffle, ILogger logger, TrainerState state)
    {
        if (options.CheckpointDirectory is not { } directory) return null;
        var session = new ResumeSession(System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), ResumeCheckpoint.FileName),
            RunFingerprint.Take(model, plan, groups, options, trainCount));
        if (!options.Resume) return session;
        if (!File.Exists(session.Path))
        {
            TrainingEventsLog.NoCheckpoint(logger, session.Path);
            return session;
        }

        // Restored into the run's state now; if the checkpoint is refused below the run ends with the exception.
        var (saved, savedUnfrozen, tensorsAt) = ResumeCheckpoint.ReadHeader(session.Path, state);
        int completed = state.CompletedEpochs;
        var differences = session.Fingerprint.Differences(saved);
        if (completed > options.Epochs)
            differences.Add($"epochs done: the checkpoint has finished {completed}, more than this run's {options.Epochs}");
        var expectedUnfrozen = groups.Pending.Where(p => p.Rule.UnfreezeAtEpoch <= completed).Select(p => p.Rule.FieldName).ToList();
        if (!expectedUnfrozen.Order(StringComparer.Ordinal).SequenceEqual(savedUnfrozen.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            differences.Add($"unfrozen fields after epoch {completed}: the checkpoint has [{string.Join(", ", savedUnfrozen)}], this plan gives [{string.Join(", ", expectedUnfrozen)}]");
        if (differences.Count > 0)
            throw new ResumeException(
                $"The resume checkpoint {session.Path} was written by a different run than this one, so {plan.ModelName} cannot continue it: "
                + string.Join("; ", differences)
                + ". Run with the checkpoint's settings, point CheckpointDirectory elsewhere, or set Resume = false to start fresh (the file was left as it is).",
                session.Path, differences);

        freezes.UnfreezeThrough(completed, resumed: true); // rebuilds state.Unfrozen
        ResumeCheckpoint.Restore(session.Path, tensorsAt, plan.ModelName, model, best, optimizer, shuffle);
        session.Resumed = true;
        state.ResumedFromEpoch = completed;
        TrainingEventsLog.Resumed(logger, plan.ModelName, session.Path, completed, state.GlobalStep);
        return session;
    }

    /// <summary>Writes the state after a finished epoch (atomically; the previous file stays until this one is whole).</summary>
    public void Save(TrainerState state, nn.Module model, BestWeights best, optim.Optimizer optimizer, Generator? shuffle, ILogger logger)
    {
        ResumeCheckpoint.Write(Path, Fingerprint, state, model, best, optimizer, shuffle);
        TrainingEventsLog.ResumeSaved(logger, Path);
    }
}
