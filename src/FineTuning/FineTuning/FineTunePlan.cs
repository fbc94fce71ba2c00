using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Everything the build knows about a <c>[FineTune]</c> model that options do not carry: its field rules and its
/// custom loss and metric. Generated code creates one per run; the runtime needs nothing else from the model.
/// </summary>
public sealed class FineTunePlan
{
    public FineTunePlan(string modelName, IReadOnlyList<FieldRule> fields, Func<Tensor, Tensor, Tensor>? customLoss = null, Func<Tensor, Tensor, double>? customMetric = null)
    {
        ModelName = modelName ?? throw new ArgumentNullException(nameof(modelName));
        ArgumentNullException.ThrowIfNull(fields);
        // A field with layer-wise rules becomes one rule per layer here, so that parameter groups, the freeze schedule,
        // the resume fingerprint and the report all see layers as they see fields.
        var expanded = new List<FieldRule>(fields.Count);
        foreach (var rule in fields) expanded.AddRange(rule.ExpandLayers());
        Fields = expanded;
        CustomLoss = customLoss;
        CustomMetric = customMetric;
    }

    /// <summary>The model's full type name, for messages and reports.</summary>
    public string ModelName { get; }
    /// <summary>The field rules, a layered field (<see cref="ILayeredModule"/> with layer-wise rules) as one rule per layer.</summary>
    public IReadOnlyList<FieldRule> Fields { get; }
    /// <summary>The model's custom loss: (output, labels) → scalar loss tensor.</summary>
    public Func<Tensor, Tensor, Tensor>? CustomLoss { get; }
    /// <summary>The model's custom metric: (all validation outputs, all labels) → value.</summary>
    public Func<Tensor, Tensor, double>? CustomMetric { get; }
}
