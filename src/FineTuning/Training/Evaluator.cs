using System;
using System.Runtime.InteropServices;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// One pass over the validation data in eval mode without gradients: the mean loss over examples and the metrics.
/// Each batch runs in its own dispose scope; only sums leave it (a custom metric's copies go to the pass's scope).
/// </summary>
internal static class Evaluator
{
    public static (double Loss, double Metric) Run<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> validation, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, bool lossIsFloat32, Func<MetricAccumulator> createMetric, BatchPlace place, Loss lossKind) where TInput : notnull
    {
        var (meanLoss, _, results) = Pass(model, validation, batchSize, loss, lossIsFloat32, new[] { createMetric() }, place, lossKind);
        return (meanLoss, results[0]);
    }

    /// <returns>The mean loss over examples (NaN for none), the number of examples and each metric's result (computed
    /// before the pass's scope ends: a custom metric's copies of the outputs live in it).</returns>
    /// <remarks><paramref name="place"/> says which data and epoch, for the message when a batch does not fit (its Batch
    /// is ignored); <paramref name="lossKind"/> is the built-in loss behind <paramref name="loss"/>. A null
    /// <paramref name="lossIsFloat32"/> is read from the first batch's loss (a float32 loss is read as a float, anything
    /// else through a double).</remarks>
    /// <exception cref="FineTuneDataException">A batch's forward pass or loss failed (a label out of range, a changed
    /// shape), or its features hold NaN or infinity; the message names the batch and row.</exception>
    public static (double Loss, long Examples, double[] Results) Pass<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> data, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, bool? lossIsFloat32, MetricAccumulator[] metrics, BatchPlace place, Loss lossKind) where TInput : notnull
    {
        bool checkShapes = lossKind is Loss.Mse or Loss.BceWithLogits;
        long batch = -1;
        model.eval();
        using var noGrad = torch.no_grad();
        // Only a custom metric keeps tensors across batches (its copies of the outputs, moved to this scope); a pass of
        // built-in metrics needs no scope of its own.
        bool custom = false;
        foreach (var metric in metrics) custom |= metric is CustomMetricAccumulator;
        using var passScope = custom ? torch.NewDisposeScope() : null;
        double lossSum = 0;
        long examples = 0;
        using var batches = data.Batches(batchSize, shuffle: false, generator: null).GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext()) break;
            var (x, y) = batches.Current;
            batch++;
            // As in training: a batch that does not fit fails with where and what; the try is free until it throws.
            Tensor output, value;
            try { output = model.call(x); }
            catch (ExternalException ex) { throw BatchFaults.Forward(ex, place with { Batch = batch }, x, y); }
            if (checkShapes) BatchFaults.ThrowIfShapesDiffer(place with { Batch = batch }, lossKind, output, y);
            try { value = loss(output, y); }
            catch (ExternalException ex) { throw BatchFaults.Loss(ex, place with { Batch = batch }, lossKind, output, y); }
            long n = y.size(0);
            lossIsFloat32 ??= value.dtype == ScalarType.Float32;
            double batchLoss = lossIsFloat32.Value ? value.item<float>() : value.ToDouble();
            // A NaN validation loss would otherwise only make the epoch's metric NaN (and never the best): if the
            // batch's features are not finite, that is bad data, and the row is named. Checked only after a NaN loss.
            if (!double.IsFinite(batchLoss) && x is Tensor features && features.is_floating_point() && !features.isfinite().all().item<bool>())
                throw DataScan.NonFiniteFeatures(place.ModelName, place.Role, features, place with { Batch = batch });
            lossSum += batchLoss * n;
            examples += n;
            foreach (var metric in metrics) metric.Add(output, y);
        }
        double meanLoss = examples == 0 ? double.NaN : lossSum / examples;
        var results = new double[metrics.Length];
        for (int i = 0; i < metrics.Length; i++) results[i] = metrics[i].Result(meanLoss);
        return (meanLoss, examples, results);
    }
}
