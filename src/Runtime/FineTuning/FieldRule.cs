using System;
using System.Collections.Generic;
using System.Globalization;
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
    private FieldRule(string fieldName, nn.Module? module, IReadOnlyList<(string Name, Parameter Parameter)> parameters, bool frozen,
        double? learningRate, double? weightDecay, int unfreezeAtEpoch, double? learningRateScale)
    {
        if (unfreezeAtEpoch < 0 || unfreezeAtEpoch == 1)
            throw new ArgumentOutOfRangeException(nameof(unfreezeAtEpoch), unfreezeAtEpoch, string.Format(CultureInfo.InvariantCulture,
                "Field '{0}' unfreezes at epoch {1}; expected 0 (stays frozen) or an epoch of at least 2 (epoch 1 would never be frozen: leave out the freeze).",
                fieldName, unfreezeAtEpoch));
        if (learningRateScale is double scale && !(scale > 0 && double.IsFinite(scale)))
            throw new ArgumentOutOfRangeException(nameof(learningRateScale), scale, $"Field '{fieldName}' has learning-rate scale {scale.ToString(CultureInfo.InvariantCulture)}; expected a finite number greater than 0.");
        if (learningRate is not null && learningRateScale is not null)
            throw new ArgumentException($"Field '{fieldName}' has both a learning rate and a learning-rate scale; expected one of them ([LearningRate] is absolute, [LearningRateScale] multiplies the run's base rate).", nameof(learningRateScale));
        FieldName = fieldName;
        Module = module;
        Parameters = parameters;
        // A field that unfreezes later is frozen when the run starts.
        Frozen = frozen || unfreezeAtEpoch > 0;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        UnfreezeAtEpoch = unfreezeAtEpoch;
        LearningRateScale = learningRateScale;
    }

    /// <summary>The C# field's name, for messages and reports.</summary>
    public string FieldName { get; }

    /// <summary>The field's parameters with their names inside the field.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    /// <summary>Frozen when the run starts (for the whole run unless <see cref="UnfreezeAtEpoch"/> is set).</summary>
    public bool Frozen { get; }
    public double? LearningRate { get; }
    public double? WeightDecay { get; }

    /// <summary>The submodule, for a module field (null for a <see cref="Parameter"/> field); its normalization layers
    /// are kept in eval mode while the field is frozen.</summary>
    public nn.Module? Module { get; }

    /// <summary>The 1-based epoch from which a frozen field trains; 0 when it stays frozen (or is not frozen).</summary>
    public int UnfreezeAtEpoch { get; }

    /// <summary>The field's learning rate as a multiple of the run's base rate; null when it has none.</summary>
    public double? LearningRateScale { get; }

    /// <summary>Frozen for the whole run: never handed to the optimizer.</summary>
    internal bool AlwaysFrozen => Frozen && UnfreezeAtEpoch == 0;

    /// <summary>Whether the field needs a parameter group of its own (its own rate, scale or decay).</summary>
    internal bool HasOwnGroup => !AlwaysFrozen && (LearningRate is not null || WeightDecay is not null || LearningRateScale is not null);

    /// <summary>A rule for a submodule field.</summary>
    /// <param name="fieldName">The C# field's name.</param>
    /// <param name="module">The field's current value.</param>
    /// <param name="frozen">Frozen for the whole run (or, with <paramref name="unfreezeAtEpoch"/>, until that epoch).</param>
    /// <param name="learningRate">The field's absolute learning rate.</param>
    /// <param name="weightDecay">The field's weight decay.</param>
    /// <param name="unfreezeAtEpoch">0, or the epoch (≥ 2) from which a frozen field trains; implies frozen before it.</param>
    /// <param name="learningRateScale">The field's rate as a multiple of the base rate (not with <paramref name="learningRate"/>).</param>
    /// <exception cref="InvalidOperationException">The field is still null when training starts.</exception>
    /// <exception cref="ArgumentException">An invalid epoch or scale, or both a rate and a scale.</exception>
    public static FieldRule For(string fieldName, nn.Module? module, bool frozen = false, double? learningRate = null, double? weightDecay = null,
        int unfreezeAtEpoch = 0, double? learningRateScale = null)
    {
        if (module is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a module assigned in the constructor before RegisterComponents().");
        var parameters = module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        return new FieldRule(fieldName, module, parameters, frozen, learningRate, weightDecay, unfreezeAtEpoch, learningRateScale);
    }

    /// <summary>A rule for a single <see cref="Parameter"/> field.</summary>
    /// <param name="fieldName">The C# field's name.</param>
    /// <param name="parameter">The field's current value.</param>
    /// <param name="frozen">Frozen for the whole run (or, with <paramref name="unfreezeAtEpoch"/>, until that epoch).</param>
    /// <param name="learningRate">The field's absolute learning rate.</param>
    /// <param name="weightDecay">The field's weight decay.</param>
    /// <param name="unfreezeAtEpoch">0, or the epoch (≥ 2) from which a frozen field trains; implies frozen before it.</param>
    /// <param name="learningRateScale">The field's rate as a multiple of the base rate (not with <paramref name="learningRate"/>).</param>
    public static FieldRule For(string fieldName, Parameter? parameter, bool frozen = false, double? learningRate = null, double? weightDecay = null,
        int unfreezeAtEpoch = 0, double? learningRateScale = null)
    {
        if (parameter is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a Parameter assigned in the constructor before RegisterComponents().");
        return new FieldRule(fieldName, null, new[] { (string.Empty, parameter) }, frozen, learningRate, weightDecay, unfreezeAtEpoch, learningRateScale);
    }

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
        return new FieldRule(FieldName, Module, parameters, Frozen, LearningRate, WeightDecay, UnfreezeAtEpoch, LearningRateScale)
        {
            Lora = spec,
            LoraAdapters = adapters,
            _adapterHandles = adapters.SelectMany(a => new[] { a.A.Handle, a.B.Handle }).ToHashSet(),
        };
    }

    /// <summary>Whether the plan trains this parameter of the field: not when the field is frozen, and under LoRA only
    /// the adapters.</summary>
    internal bool Trains(Parameter parameter) => !Frozen && (_adapterHandles is null || _adapterHandles.Contains(parameter.Handle));
}
