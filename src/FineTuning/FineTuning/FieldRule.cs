using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Attune.FineTuning;

/// <summary>
/// What a <c>[FineTune]</c> model's field attributes say about that field's parameters. The generator builds these
/// from the fields themselves (not from string paths), so a renamed field cannot silently stop being frozen.
/// </summary>
public sealed class FieldRule
{
    private FieldRule(string fieldName, nn.Module? module, IReadOnlyList<(string Name, Parameter Parameter)> parameters, bool frozen,
        double? learningRate, double? weightDecay, int unfreezeAtEpoch, double? learningRateScale, double? layerDecay = null, bool layerByLayer = false)
    {
        if (unfreezeAtEpoch < 0 || unfreezeAtEpoch == 1)
            throw new ArgumentOutOfRangeException(nameof(unfreezeAtEpoch), unfreezeAtEpoch, string.Format(CultureInfo.InvariantCulture,
                "Field '{0}' unfreezes at epoch {1}; expected 0 (stays frozen) or an epoch of at least 2 (epoch 1 would never be frozen: leave out the freeze).",
                fieldName, unfreezeAtEpoch));
        if (learningRateScale is double scale && !(scale > 0 && double.IsFinite(scale)))
            throw new ArgumentOutOfRangeException(nameof(learningRateScale), scale, $"Field '{fieldName}' has learning-rate scale {scale.ToString(CultureInfo.InvariantCulture)}; expected a finite number greater than 0.");
        if (learningRate is not null && learningRateScale is not null)
            throw new ArgumentException($"Field '{fieldName}' has both a learning rate and a learning-rate scale; expected one of them ([LearningRate] is absolute, [LearningRateScale] multiplies the run's base rate).", nameof(learningRateScale));
        if (layerDecay is double decay && !(decay > 0 && decay <= 1))
            throw new ArgumentOutOfRangeException(nameof(layerDecay), decay, $"Field '{fieldName}' has layer-wise decay {decay.ToString(CultureInfo.InvariantCulture)}; expected a number in (0, 1]: each layer below the top trains at that multiple of the rate of the layer above.");
        if (layerByLayer && unfreezeAtEpoch < 2)
            throw new ArgumentException($"Field '{fieldName}' unfreezes layer by layer but has no UnfreezeAtEpoch; expected the epoch (at least 2) at which its top layer starts training.", nameof(layerByLayer));
        if ((layerDecay is not null || layerByLayer) && module is not ILayeredModule)
            throw new InvalidOperationException(
                $"Field '{fieldName}' has layer-wise rules ({(layerDecay is null ? "" : "LayerwiseDecay")}{(layerDecay is not null && layerByLayer ? ", " : "")}{(layerByLayer ? "LayerByLayer" : "")}) but its module {module?.GetType().Name ?? "(a Parameter)"} does not implement Attune.ILayeredModule; expected a stack of layers such as Attune.Transformers.BertModel.");
        FieldName = fieldName;
        Module = module;
        LayerDecay = layerDecay;
        LayerByLayer = layerByLayer;
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
    /// <param name="layerDecay">Layer-wise learning-rate decay for an <see cref="ILayeredModule"/>: the top layer trains at
    /// the field's rate, each layer below at this multiple of the one above (in (0, 1]).</param>
    /// <param name="layerByLayer">With <paramref name="unfreezeAtEpoch"/> on an <see cref="ILayeredModule"/>: the top layer
    /// unfreezes at that epoch, the next one down an epoch later, and so on to the bottom.</param>
    public static FieldRule For(string fieldName, nn.Module? module, bool frozen = false, double? learningRate = null, double? weightDecay = null,
        int unfreezeAtEpoch = 0, double? learningRateScale = null, double? layerDecay = null, bool layerByLayer = false)
    {
        if (module is null)
            throw new InvalidOperationException($"Field '{fieldName}' is null when fine-tuning starts; expected a module assigned in the constructor before RegisterComponents().");
        var parameters = module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        return new FieldRule(fieldName, module, parameters, frozen, learningRate, weightDecay, unfreezeAtEpoch, learningRateScale, layerDecay, layerByLayer);
    }

    /// <summary>Layer-wise learning-rate decay (<c>[LayerwiseDecay]</c>); null when the field has none.</summary>
    public double? LayerDecay { get; }

    /// <summary>The field's layers unfreeze one per epoch from the top (<c>[Freeze(LayerByLayer = true)]</c>).</summary>
    public bool LayerByLayer { get; }

    /// <summary>Whether the plan splits this rule into one rule per layer.</summary>
    internal bool IsLayered => LayerDecay is not null || LayerByLayer;

    /// <summary>
    /// One rule per layer of an <see cref="ILayeredModule"/> field, named <c>field.layer</c>, top layer first: layer k
    /// from the top trains at the field's rate × decay^k and (layer by layer) unfreezes k epochs after the top one.
    /// Parameters in no layer go with the top layer. A rule without layer-wise settings is returned as it is.
    /// </summary>
    internal IEnumerable<FieldRule> ExpandLayers()
    {
        if (!IsLayered || Module is not ILayeredModule layered)
        {
            yield return this;
            yield break;
        }
        var layers = layered.Layers;
        if (layers.Count == 0)
            throw new InvalidOperationException($"Field '{FieldName}' has layer-wise rules but its module lists no layers; expected at least one.");
        var inLayers = new HashSet<IntPtr>();
        var perLayer = new List<(string Name, Parameter Parameter)>[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            perLayer[i] = layers[i].Module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
            foreach (var (_, parameter) in perLayer[i]) inLayers.Add(parameter.Handle);
        }
        var rest = Parameters.Where(p => !inLayers.Contains(p.Parameter.Handle)).ToList();
        for (int k = 0; k < layers.Count; k++)
        {
            int i = layers.Count - 1 - k;
            double factor = Math.Pow(LayerDecay ?? 1, k);
            var parameters = k == 0 ? perLayer[i].Concat(rest).ToList() : perLayer[i];
            var rule = new FieldRule(FieldName + "." + layers[i].Name, layers[i].Module, parameters, Frozen,
                LearningRate * factor, WeightDecay, LayerByLayer ? UnfreezeAtEpoch + k : UnfreezeAtEpoch,
                LearningRate is null && (LayerDecay is not null || LearningRateScale is not null) ? (LearningRateScale ?? 1) * factor : null);
            // A LoRA field's layers train only their own adapters, each layer's at its decayed rate.
            if (_adapterHandles is not null)
            {
                var handles = new HashSet<IntPtr>(parameters.Select(p => p.Parameter.Handle));
                rule = rule.WithAdapters(Lora!, LoraAdapters.Where(a => handles.Contains(a.A.Handle)).ToList(), _adapterHandles);
            }
            yield return rule;
        }
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

    /// <summary>The adapters <see cref="WithLora(LoraSpec)"/> attached, in the field's module order.</summary>
    public IReadOnlyList<LoraAdapter> LoraAdapters { get; private init; } = Array.Empty<LoraAdapter>();

    private HashSet<IntPtr>? _adapterHandles;

    /// <summary>
    /// This rule with LoRA: attaches the adapters now (idempotent, see <see cref="Lora.AttachLora(nn.Module, string, LoraSpec)"/>)
    /// so that they are part of the rule's parameters before the optimizer groups are built. Every other parameter of
    /// the field (the adapted layers' weights and biases, and the rest of a container: norms, layers no pattern names)
    /// is frozen; the adapters get the field's learning rate and weight decay.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rule is frozen or is a Parameter field.</exception>
    public FieldRule WithLora(LoraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Attach(spec);
    }

    /// <summary>This rule with LoRA as declared by <paramref name="spec"/>, except where the run's options override it.</summary>
    /// <param name="spec">The field's declared settings.</param>
    /// <param name="options">The run's options: their LoraRank, LoraAlpha and LoraDropout, when set, replace the declared ones.</param>
    public FieldRule WithLora(LoraSpec spec, FineTuneOptions? options) => WithLora((spec ?? throw new ArgumentNullException(nameof(spec))).Override(options));

    /// <summary>This rule with the run's <see cref="FineTuneOptions.LayerDecay"/> in place of its declared decay, when
    /// it has one and the options set one; otherwise the rule itself.</summary>
    public FieldRule WithOptions(FineTuneOptions? options)
    {
        if (options?.LayerDecay is not double decay || LayerDecay is null || decay == LayerDecay) return this;
        return new FieldRule(FieldName, Module, Parameters, Frozen, LearningRate, WeightDecay, UnfreezeAtEpoch, LearningRateScale, decay, LayerByLayer)
        {
            Lora = Lora, LoraAdapters = LoraAdapters, _adapterHandles = _adapterHandles,
        };
    }

    private FieldRule Attach(LoraSpec spec)
    {
        if (Frozen)
            throw new InvalidOperationException($"Field '{FieldName}' is both frozen and LoRA-adapted; a frozen field never trains, so its adapters would not either. Expected one of [Freeze] and [Lora].");
        if (Module is null)
            throw new InvalidOperationException($"Field '{FieldName}' is a Parameter; LoRA adapts Linear layers. Expected a Linear field or a container with Targets.");
        if (LayerByLayer)
            throw new InvalidOperationException($"Field '{FieldName}' is LoRA-adapted and unfreezes layer by layer; its base weights never train (only its adapters do), so there is nothing to unfreeze. Expected one of [Lora] and LayerByLayer.");
        var adapters = Module.AttachLora(FieldName, spec);
        var parameters = Module.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        return new FieldRule(FieldName, Module, parameters, Frozen, LearningRate, WeightDecay, UnfreezeAtEpoch, LearningRateScale, LayerDecay, LayerByLayer)
        {
            Lora = spec,
            LoraAdapters = adapters,
            _adapterHandles = adapters.SelectMany(a => new[] { a.A.Handle, a.B.Handle }).ToHashSet(),
        };
    }

    private FieldRule WithAdapters(LoraSpec spec, IReadOnlyList<LoraAdapter> adapters, HashSet<IntPtr> handles)
        => new(FieldName, Module, Parameters, Frozen, LearningRate, WeightDecay, UnfreezeAtEpoch, LearningRateScale)
        {
            Lora = spec, LoraAdapters = adapters, _adapterHandles = handles,
        };

    /// <summary>Whether the plan trains this parameter of the field: not when the field is frozen, and under LoRA only
    /// the adapters.</summary>
    internal bool Trains(Parameter parameter) => !Frozen && (_adapterHandles is null || _adapterHandles.Contains(parameter.Handle));
}
