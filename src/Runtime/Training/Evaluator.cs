using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// One pass over the validation data in eval mode without gradients: the mean loss over examples and the metric.
/// Each batch runs in its own dispose scope; only sums leave it (a custom metric's copies go to the pass's scope).
/// </summary>
internal static class Evaluator
{
    public static (double Loss, double Metric) Run<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> validation, int batchSize,
        Func<Tensor, Tensor, Tensor> loss, bool lossIsFloat32, Func<MetricAccumulator> createMetric) where TInput : notnull
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var passScope = torch.NewDisposeScope();
        var metric = createMetric();
        double lossSum = 0;
        long examples = 0;
        using var batches = validation.Batches(batchSize, shuffle: false, generator: null).GetEnumerator();
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
            metric.Add(output, y);
        }
        double meanLoss = examples == 0 ? double.NaN : lossSum / examples;
        return (meanLoss, metric.Result(meanLoss));
    }
}
