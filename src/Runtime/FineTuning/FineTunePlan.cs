using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// Everything the build knows about a <c>[FineTune]</c> model that options do not carry: its field rules and its
/// custom loss and metric. Generated code creates one per run; the runtime needs nothing else from the model.
/// </summary>
public sealed class FineTunePlan
{
    public FineTunePlan(string modelName, IReadOnlyList<FieldRule> fields, Func<Tensor, Tensor, Tensor>? customLoss = null, Func<Tensor, Tensor, double>? customMetric = null)
    {
        ModelName = modelName ?? throw new ArgumentNullException(nameof(modelName));
        Fields = fields ?? throw new ArgumentNullException(nameof(fields));
        CustomLoss = customLoss;
        CustomMetric = customMetric;
    }

    /// <summary>The model's full type name, for messages and reports.</summary>
    public string ModelName { get; }
    public IReadOnlyList<FieldRule> Fields { get; }
    /// <summary>The model's custom loss: (output, labels) → scalar loss tensor.</summary>
    public Func<Tensor, Tensor, Tensor>? CustomLoss { get; }
    /// <summary>The model's custom metric: (all validation outputs, all labels) → value.</summary>
    public Func<Tensor, Tensor, double>? CustomMetric { get; }
}
