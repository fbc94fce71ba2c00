using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>What <see cref="FineTuner.Evaluate"/> measured on one data set.</summary>
public sealed record EvaluationResult(long Examples, double Loss, IReadOnlyDictionary<Metric, double> Metrics, TimeSpan Duration)
{
    /// <summary>One metric's value.</summary>
    /// <exception cref="KeyNotFoundException">The metric was not asked for.</exception>
    public double this[Metric metric] => Metrics.TryGetValue(metric, out var value) ? value
        : throw new KeyNotFoundException($"The evaluation measured {string.Join(", ", Metrics.Keys)}; {metric} was not asked for.");

    /// <summary>Examples per second of the pass.</summary>
    public double ExamplesPerSecond => Duration.TotalSeconds > 0 ? Examples / Duration.TotalSeconds : double.NaN;

    public override string ToString() => string.Join(", ", Metrics.Select(m => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.####}", m.Key, m.Value)))
        + string.Format(CultureInfo.InvariantCulture, ", loss {0:0.####} over {1} examples in {2:0.0} s", Loss, Examples, Duration.TotalSeconds);
}

public static partial class FineTuner
{
    /// <summary>
    /// Measures a trained model on held-out data — one pass in eval mode without gradients, each batch in its own
    /// dispose scope — with the same loss and built-in metrics the training loop uses. The model is left in eval mode.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="data">The held-out examples.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    /// <param name="loss">The loss to report (the one the model was trained with).</param>
    /// <param name="metrics">Built-in metrics (Accuracy, MacroF1, Mse, Mae, R2, Loss); Custom needs a plan and is refused.</param>
    /// <exception cref="ArgumentException">No data, a batch size below 1, or <see cref="Metric.Custom"/>.</exception>
    /// <exception cref="FineTuneDataException">A batch does not fit the model or the loss (libtorch's error, with the
    /// batch, the row and, for CrossEntropy, the label out of range), or its features hold NaN or infinity.</exception>
    public static EvaluationResult Evaluate<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> data, int batchSize = 32,
        Loss loss = Loss.CrossEntropy, params Metric[] metrics) where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Expected a batch size of at least 1.");
        if (data.Count <= 0) throw new ArgumentException($"The data to evaluate on is empty ({data.Count} examples); expected at least one example.", nameof(data));
        if (loss == Loss.Custom || metrics.Contains(Metric.Custom))
            throw new ArgumentException("Evaluate measures built-in losses and metrics; expected no Custom (call your own metric on the model's outputs).", nameof(metrics));
        if (metrics.Length == 0) metrics = new[] { Metric.Accuracy };
        var plan = new FineTunePlan("evaluation", Array.Empty<FieldRule>());
        var accumulators = metrics.Select(m => MetricAccumulator.Create(m, plan, loss)).ToArray();
        var clock = Stopwatch.StartNew();
        var (meanLoss, examples, results) = Evaluator.Pass(model, data, batchSize, LossFunctions.For(loss, plan), lossIsFloat32: null, accumulators,
            new BatchPlace("evaluation", model.GetType().Name, Epoch: 0, Batch: 0, batchSize, InOrder: true), loss);
        var values = new Dictionary<Metric, double>();
        for (int i = 0; i < metrics.Length; i++) values[metrics[i]] = results[i];
        return new EvaluationResult(examples, meanLoss, values, clock.Elapsed);
    }
}
