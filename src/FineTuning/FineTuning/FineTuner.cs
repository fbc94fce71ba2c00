using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;
using Attune.Search;

namespace Attune.FineTuning;

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
        ITrial? trial = null) where TInput : notnull
        => TrainingRun.Execute(model, plan, train, validation, options, progress, logger, cancellationToken, trial);
}
