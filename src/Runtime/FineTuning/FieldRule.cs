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
        return new FieldRule(fieldName, parameters, frozen, learningRate, weightDecay) { Module = module };
    }

    /// <summary>A rule for a single <see cref="Parameter"/> field.</summary>
    public static FieldRule For(string fieldName, Parameter? parameter, bool frozen = false, double? learningRate = null, double? weightDecay = null)
    {
        if (parameter is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a Parameter assigned in the constructor before RegisterComponents().");
        return new FieldRule(fieldName, new[] { (string.Empty, parameter) }, frozen, learningRate, weightDecay);
    }

    /// <summary>The field's module (null for a Parameter field).</summary>
    internal nn.Module? Module { get; private init; }

    /// <summary>The field's LoRA settings when it is adapted (<c>[Lora]</c>); only its adapters then train.</summary>
    public LoraSpec? Lora { get; private init; }

    /// <summary>The adapters <see cref="WithLora"/> attached, in the field's module order.</summary>
    public IReadOnlyList<LoraAdapter> LoraAdapters { get; private init; } = Array.Empty<LoraAdapter>();

    private HashSet<IntPtr>? _adapterHandles;

    /// <summary>
    /// This rule with LoRA: attaches the adapters now (idempotent, see <see cref="Attune.Lora.AttachLora(nn.Module, string, LoraSpec)"/>)
    /// so that they are part of the rule's parameters before the optimizer groups are built. Every other parameter of
    /// the field (the adapted layers' weights and biases, and the rest of a container: norms, layers no pattern names)
    /// is frozen; the adapters get the field's learning rate and weight decay.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rule is frozen or is a Parameter field.</exception>
    public FieldRule WithLora(LoraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Frozen)
            throw new InvalidOperationException($"Field '{FieldName}' is both frozen and LoRA-adapted; a frozen field never trains, so its adapters would not either. Expected one of [Freeze] and [Lora].");
        if (Module is null)
            throw new InvalidOperationException($"Field '{FieldName}' is a Parameter; LoRA adapts Linear layers. Expected a Linear field or a container with Targets.");
        var adapters = Module.AttachLora(FieldName, spec);
        var parameters = Module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        return new FieldRule(FieldName, parameters, Frozen, LearningRate, WeightDecay)
        {
            Module = Module,
            Lora = spec,
            LoraAdapters = adapters,
            _adapterHandles = adapters.SelectMany(a => new[] { a.A.Handle, a.B.Handle }).ToHashSet(),
        };
    }

    /// <summary>Whether the plan trains this parameter of the field: not when the field is frozen, and under LoRA only
    /// the adapters.</summary>
    internal bool Trains(Parameter parameter) => !Frozen && (_adapterHandles is null || _adapterHandles.Contains(parameter.Handle));
}
