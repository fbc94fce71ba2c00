using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Attune.FineTuning;

/// <summary>Writes <c>best.bin</c> when the epoch improved on the best and <c>last.bin</c> after every epoch
/// (<see cref="Checkpoints"/>). <c>resume.bin</c> is written by the loop itself after every callback, since it records
/// whether one of them stopped the run.</summary>
internal sealed class CheckpointCallback(Checkpoints checkpoints, torch.nn.Module model, ILogger logger) : FineTuneCallback
{
    public override void OnEpochEnd(TrainerState state, FineTuneControl control)
    {
        double metric = state.History[^1].Metric;
        if (state.BestEpoch == state.Epoch)
        {
            checkpoints.SaveBest(model, state.Epoch, metric);
            FineTuneLog.Checkpoint(logger, "best", checkpoints.BestPath);
        }
        checkpoints.SaveLast(model, state.Epoch, metric);
        FineTuneLog.Checkpoint(logger, "last", checkpoints.LastPath);
    }
}
