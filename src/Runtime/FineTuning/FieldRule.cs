using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Attune;

/// <summary>
/// What a <c>[FineTune]</c> model's field attributes say about that field's parameters. The generator builds these
/// from the fields themselves (not from string paths), so a renamed field cannot silently stop being frozen.
/// </summary>
public sealed class FieldRule
{
    private FieldRule(string fieldName, IReadOnlyList<(string Name, Parameter Parameter)> parameters, bool frozen, double? learningRate, double? weightDecay)
    {
        FieldName = fieldName;
        Parameters = parameters;
        Frozen = frozen;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <summary>The C# field's name, for messages and reports.</summary>
    public string FieldName { get; }

    /// <summary>The field's parameters with their names inside the field.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    public bool Frozen { get; }
    public double? LearningRate { get; }
    public double? WeightDecay { get; }

    /// <summary>A rule for a submodule field.</summary>
    /// <exception cref="InvalidOperationException">The field is still null when training starts.</exception>
    public static FieldRule For(string fieldName, nn.Module? module, bool frozen = false, double? learningRate = null, double? weightDecay = null)
    {
        if (module is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a module assigned in the constructor before RegisterComponents().");
        var parameters = module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        return new FieldRule(fieldName, parameters, frozen, learningRate, weightDecay);
    }

    /// <summary>A rule for a single <see cref="Parameter"/> field.</summary>
    public static FieldRule For(string fieldName, Parameter? parameter, bool frozen = false, double? learningRate = null, double? weightDecay = null)
    {
        if (parameter is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a Parameter assigned in the constructor before RegisterComponents().");
        return new FieldRule(fieldName, new[] { (string.Empty, parameter) }, frozen, learningRate, weightDecay);
    }
}
