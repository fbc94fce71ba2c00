using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Streams one validation metric over batches: each batch adds a few scalar sums or counts, so evaluation needs no
/// copy of the whole validation set's outputs (except for a custom metric, which by contract sees all of them at once).
/// Batches are added inside the evaluator's per-batch dispose scope; an accumulator keeps no tensors of its own
/// except <see cref="CustomMetricAccumulator"/>, which moves its copies to the evaluation's outer scope.
/// </summary>
internal abstract class MetricAccumulator
{
    public abstract void Add(Tensor output, Tensor labels);

    /// <summary>The metric over everything added; <paramref name="validationLoss"/> is the mean validation loss.</summary>
    public abstract double Result(double validationLoss);

    public static MetricAccumulator Create(Metric metric, FineTunePlan plan, Loss loss) => metric switch
    {
        Metric.Accuracy => new AccuracyAccumulator(loss),
        Metric.MacroF1 => new MacroF1Accumulator(loss),
        Metric.Mse or Metric.Mae or Metric.R2 => new RegressionAccumulator(metric),
        Metric.Loss => new LossMetric(),
        Metric.Custom => new CustomMetricAccumulator(plan.CustomMetric ?? throw new ArgumentException(
            $"Metric is Custom but the plan for {plan.ModelName} has no custom metric; expected a method named by [FineTune(CustomMetric = nameof(...))] with the signature double Name(Tensor outputs, Tensor labels), or a built-in Metric.")),
        _ => throw new ArgumentException($"Metric {metric} is not a defined Metric."),
    };

    /// <summary>
    /// Class predictions for a batch. Outputs with one more dimension than the labels are class scores (arg-max over
    /// dimension 1, the class dimension cross-entropy uses); outputs shaped like the labels are binary logits (positive
    /// when &gt; 0, or &gt; 0.5 for a model trained with MSE on 0/1 targets), compared with labels &gt; 0.5.
    /// </summary>
    protected static (Tensor Predicted, Tensor Actual, long Classes) Classes(Tensor output, Tensor labels, Loss loss)
    {
        if (output.dim() == labels.dim() + 1)
            // Class-index labels are int64 already (CrossEntropy takes nothing else): no conversion, which would cost a
            // native call and a tensor handle per batch for nothing.
            return (output.argmax(1), labels.dtype == ScalarType.Int64 ? labels : labels.to(ScalarType.Int64), output.size(1));
        double threshold = loss == Loss.Mse ? 0.5 : 0.0;
        return (output.gt(threshold).to(ScalarType.Int64), labels.gt(0.5).to(ScalarType.Int64), 2);
    }
}

/// <summary>Share of correct predictions.</summary>
internal sealed class AccuracyAccumulator(Loss loss) : MetricAccumulator
{
    private long _correct;
    private long _total;
    // Whether batches are class scores against int64 class indices (every CrossEntropy model), read once from the
    // first batch: the rank and dtype reads are native calls, a measurable share of a small model's evaluation batch
    // (docs/benchmarks.md, eval-mlp). The layout of a source's batches does not change between batches.
    private bool? _classIndices;

    public override void Add(Tensor output, Tensor labels)
    {
        _classIndices ??= output.dim() == labels.dim() + 1 && labels.dtype == ScalarType.Int64;
        if (_classIndices.Value)
        {
            _correct += output.argmax(1).eq(labels).sum().item<long>();
            _total += labels.numel();
            return;
        }
        var (predicted, actual, _) = Classes(output, labels, loss);
        _correct += predicted.eq(actual).sum().item<long>();
        _total += actual.numel();
    }

    public override double Result(double validationLoss) => _total == 0 ? double.NaN : (double)_correct / _total;
}

/// <summary>
/// Unweighted mean of per-class F1 from a confusion matrix. A class that never occurs in the labels and is never
/// predicted has no defined F1 and is left out of the mean (scikit-learn would count it as 0 with a warning).
/// </summary>
internal sealed class MacroF1Accumulator(Loss loss) : MetricAccumulator
{
    private long[] _confusion = Array.Empty<long>(); // [actual * classes + predicted]
    private long _classes;

    public override void Add(Tensor output, Tensor labels)
    {
        var (predicted, actual, classes) = Classes(output, labels, loss);
        if (_classes == 0)
        {
            _classes = classes;
            _confusion = new long[classes * classes];
        }
        else if (_classes != classes)
            throw new InvalidOperationException($"The model's output had {_classes} classes on an earlier batch and {classes} on this one.");

        // One bincount per batch turns the pairs into confusion counts; labels out of range were rejected by the dry batch.
        var counts = (actual.flatten() * classes + predicted.flatten()).bincount(null, classes * classes);
        var values = counts.data<long>().ToArray();
        for (int i = 0; i < _confusion.Length; i++) _confusion[i] += values[i];
    }

    public override double Result(double validationLoss) => MacroF1(_confusion, _classes);

    public static double MacroF1(long[] confusion, long classes)
    {
        double sum = 0;
        int counted = 0;
        for (long c = 0; c < classes; c++)
        {
            long tp = confusion[c * classes + c], fp = 0, fn = 0;
            for (long o = 0; o < classes; o++)
            {
                if (o == c) continue;
                fp += confusion[o * classes + c]; // predicted c, actually o
                fn += confusion[c * classes + o]; // actually c, predicted o
            }
            long denominator = 2 * tp + fp + fn;
            if (denominator == 0) continue;
            sum += 2.0 * tp / denominator;
            counted++;
        }
        return counted == 0 ? double.NaN : sum / counted;
    }
}

/// <summary>MSE, MAE and R² over every output element, from running sums in double precision.</summary>
internal sealed class RegressionAccumulator(Metric metric) : MetricAccumulator
{
    private double _squaredError;
    private double _absoluteError;
    private double _sum;
    private double _sumOfSquares;
    private long _count;

    public override void Add(Tensor output, Tensor labels)
    {
        var o = output.to(ScalarType.Float64);
        var y = labels.to(ScalarType.Float64);
        if (!o.shape.AsSpan().SequenceEqual(y.shape)) o = o.reshape(y.shape); // [B,1] vs [B] was rejected by the dry batch unless element counts match
        var diff = o - y;
        _squaredError += diff.square().sum().item<double>();
        _absoluteError += diff.abs().sum().item<double>();
        _sum += y.sum().item<double>();
        _sumOfSquares += y.square().sum().item<double>();
        _count += y.numel();
    }

    public override double Result(double validationLoss)
    {
        if (_count == 0) return double.NaN;
        return metric switch
        {
            Metric.Mse => _squaredError / _count,
            Metric.Mae => _absoluteError / _count,
            _ => R2(),
        };
    }

    private double R2()
    {
        double totalSquares = _sumOfSquares - _sum * _sum / _count;
        return totalSquares <= 0 ? double.NaN : 1 - _squaredError / totalSquares;
    }
}

/// <summary>The validation loss as the metric.</summary>
internal sealed class LossMetric : MetricAccumulator
{
    public override void Add(Tensor output, Tensor labels) { }
    public override double Result(double validationLoss) => validationLoss;
}

/// <summary>
/// Keeps every batch's outputs and labels (moved to the evaluation's outer dispose scope) and calls the model's metric
/// once on their concatenation, as the <c>CustomMetric</c> contract promises.
/// </summary>
internal sealed class CustomMetricAccumulator(Func<Tensor, Tensor, double> metric) : MetricAccumulator
{
    private readonly List<Tensor> _outputs = new();
    private readonly List<Tensor> _labels = new();

    public override void Add(Tensor output, Tensor labels)
    {
        _outputs.Add(output.detach().MoveToOuterDisposeScope());
        _labels.Add(labels.detach().MoveToOuterDisposeScope());
    }

    public override double Result(double validationLoss)
    {
        if (_outputs.Count == 0) return double.NaN;
        using var scope = torch.NewDisposeScope();
        return metric(torch.cat(_outputs, 0), torch.cat(_labels, 0));
    }
}
