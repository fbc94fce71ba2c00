using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

/// <summary>Receives each epoch's metric; a sweep uses it to report to its trial and to prune. The loop calls it from
/// its built-in pruning callback, after the log, TensorBoard and progress and before early stopping and the user's
/// <see cref="FineTuneOptions.Callbacks"/>.</summary>
public interface IEpochObserver
{
    /// <summary>Called after each evaluation. Return true to stop training now (the run ends as <see cref="StopReason.Pruned"/>).</summary>
    bool OnEpoch(EpochResult epoch);
}

/// <summary>The fine-tuning loop every generated <c>RunFineTune</c> calls.</summary>
public static partial class FineTuner
{
    /// <summary>
    /// Fine-tunes <paramref name="model"/> in place and returns what happened. The model ends holding the best epoch's
    /// weights. See the README for the loop's guarantees (one dispose scope per step, atomic checkpoints, restore on
    /// early stop, cancellation returns a report).
    /// </summary>
    /// <typeparam name="TInput">The model's input: a <see cref="Tensor"/>, or a batch record of several tensors (token ids
    /// and attention mask, say) that should implement <see cref="IModelInput"/>.</typeparam>
    public static FineTuneReport Run<TInput>(
        nn.Module<TInput, Tensor> model,
        FineTunePlan plan,
        IBatchSource<TInput> train,
        IBatchSource<TInput> validation,
        FineTuneOptions options,
        IProgress<FineTuneProgress>? progress = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default,
        IEpochObserver? observer = null) where TInput : notnull
        => TrainingRun.Execute(model, plan, train, validation, options, progress, logger, cancellationToken, observer);
}
