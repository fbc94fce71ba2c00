using System;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// One pass over the validation data in eval mode without gradients: the mean loss over examples and the metrics.
/// Each batch runs in its own dispose scope; only sums leave it (a custom metric's copies go to the pass's scope).
/// </summary>
internal static class Evaluator
{
    public static (double Loss, double Metric) Run<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> validation, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, bool lossIsFloat32, Func<MetricAccumulator> createMetric) where TInput : notnull
    {
        var (meanLoss, _, results) = Pass(model, validation, batchSize, loss, lossIsFloat32, new[] { createMetric() });
        return (meanLoss, results[0]);
    }

    /// <returns>The mean loss over examples (NaN for none), the number of examples and each metric's result (computed
    /// before the pass's scope ends: a custom metric's copies of the outputs live in it).</returns>
    public static (double Loss, long Examples, double[] Results) Pass<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> data, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, bool lossIsFloat32, MetricAccumulator[] metrics) where TInput : notnull
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var passScope = torch.NewDisposeScope();
        double lossSum = 0;
        long examples = 0;
        using var batches = data.Batches(batchSize, shuffle: false, generator: null).GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext()) break;
            var (x, y) = batches.Current;
            var output = model.call(x);
            var value = loss(output, y);
            long n = y.size(0);
            lossSum += (lossIsFloat32 ? value.item<float>() : value.ToDouble()) * n;
            examples += n;
            foreach (var metric in metrics) metric.Add(output, y);
        }
        double meanLoss = examples == 0 ? double.NaN : lossSum / examples;
        var results = new double[metrics.Length];
        for (int i = 0; i < metrics.Length; i++) results[i] = metrics[i].Result(meanLoss);
        return (meanLoss, examples, results);
    }
}
