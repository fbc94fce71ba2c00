using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// LoRA for any TorchSharp model, with or without the generator: attach adapters, list them, merge and unmerge, report
/// parameter counts. <c>[Lora]</c> fields do the attaching for you through the fine-tune plan; save and load adapter
/// files with <see cref="LoraFiles"/>. See docs/lora.md.
/// </summary>
public static class Lora
{
    /// <summary>
    /// Attaches adapters under <paramref name="field"/>: the field itself when <see cref="LoraSpec.Targets"/> is empty
    /// (it must be a <c>Linear</c>), otherwise every <c>Linear</c> inside it that a pattern matches. Base weights and
    /// biases of the adapted layers are frozen. Idempotent for the same rank, alpha and dropout.
    /// </summary>
    /// <param name="field">A Linear, or a container of Linear layers.</param>
    /// <param name="fieldName">The field's name in the model, used for adapter names and messages.</param>
    /// <param name="spec">Rank, alpha, dropout and targets.</param>
    /// <returns>The adapters, in the field's <c>named_modules()</c> order.</returns>
    /// <exception cref="ArgumentException">No targets and the field is not a Linear, or a pattern matches no Linear.</exception>
    /// <exception cref="InvalidOperationException">A layer already has an adapter with other settings.</exception>
    public static IReadOnlyList<LoraAdapter> AttachLora(this nn.Module field, string fieldName, LoraSpec spec)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentException.ThrowIfNullOrEmpty(fieldName);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Targets.Count == 0)
        {
            if (field is not Linear linear)
                throw new ArgumentException(
                    $"LoRA on field '{fieldName}': it is a {field.GetType().Name}, not a Linear, and no target patterns were given. Expected a Linear field, or Targets naming the Linear layers inside it (for example \"*.fc1\"); its Linear layers are: {LinearNames(field)}.");
            return new[] { LoraAdapter.Attach(linear, fieldName, spec) };
        }
        var targets = LoraTargets.Resolve(fieldName, field, spec.Targets);
        var adapters = new List<LoraAdapter>(targets.Count);
        foreach (var (name, layer) in targets)
            adapters.Add(LoraAdapter.Attach(layer, fieldName + "." + name, spec));
        return adapters;
    }

    /// <summary>Attaches one adapter to <paramref name="layer"/> (named <paramref name="name"/> in messages).</summary>
    public static LoraAdapter AttachLora(this Linear layer, LoraSpec spec, string name = "linear")
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Targets.Count > 0)
            throw new ArgumentException($"LoRA on Linear '{name}': target patterns ({string.Join(", ", spec.Targets)}) select layers inside a container; a Linear has none. Expected no targets.", nameof(spec));
        return LoraAdapter.Attach(layer, name, spec);
    }

    /// <summary>Every attached adapter of <paramref name="model"/> with its layer's dotted name in the model
    /// (<c>named_modules()</c> order; the model itself is named "" when it is an adapted Linear).</summary>
    public static IReadOnlyList<(string Name, LoraAdapter Adapter)> LoraAdapters(this nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var found = new List<(string, LoraAdapter)>();
        var seen = new HashSet<LoraAdapter>(ReferenceEqualityComparer.Instance);
        if (model is Linear self && LoraAdapter.Of(self) is { } own && seen.Add(own))
            found.Add((string.Empty, own));
        foreach (var (name, module) in model.named_modules())
        {
            if (module is Linear linear && LoraAdapter.Of(linear) is { } adapter && seen.Add(adapter))
                found.Add((name, adapter));
        }
        return found;
    }

    /// <summary>Merges every adapter of the model into its base weight (for inference without the adapter cost).</summary>
    /// <exception cref="InvalidOperationException">The model has no adapters, or one is merged already.</exception>
    public static void MergeLora(this nn.Module model)
    {
        var adapters = Require(model, "merge");
        var merged = adapters.Where(a => a.Adapter.Merged).Select(a => a.Name).ToList();
        if (merged.Count > 0)
            throw new InvalidOperationException($"LoRA adapters of {string.Join(", ", merged)} are already merged; expected every adapter unmerged before MergeLora().");
        foreach (var (_, adapter) in adapters) adapter.Merge();
    }

    /// <summary>Undoes <see cref="MergeLora"/>: base weights as before (to float rounding), adapter paths on again.</summary>
    /// <exception cref="InvalidOperationException">The model has no adapters, or one is not merged.</exception>
    public static void UnmergeLora(this nn.Module model)
    {
        var adapters = Require(model, "unmerge");
        var unmerged = adapters.Where(a => !a.Adapter.Merged).Select(a => a.Name).ToList();
        if (unmerged.Count > 0)
            throw new InvalidOperationException($"LoRA adapters of {string.Join(", ", unmerged)} are not merged; expected every adapter merged before UnmergeLora().");
        foreach (var (_, adapter) in adapters) adapter.Unmerge();
    }

    /// <summary>Trainable vs total parameters of the model, with every adapter.</summary>
    public static LoraReport LoraReport(this nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return global::Attune.FineTuning.LoraReport.For(model);
    }

    private static IReadOnlyList<(string Name, LoraAdapter Adapter)> Require(nn.Module model, string action)
    {
        ArgumentNullException.ThrowIfNull(model);
        var adapters = model.LoraAdapters();
        if (adapters.Count == 0)
            throw new InvalidOperationException($"Cannot {action} LoRA: {model.GetType().Name} has no LoRA adapters; expected [Lora] fields (attached when the fine-tune plan is built) or AttachLora(...) first.");
        return adapters;
    }

    internal static string LinearNames(nn.Module module)
    {
        var names = module.named_modules().Where(m => m.module is Linear).Select(m => m.name).ToList();
        return names.Count == 0 ? "(none)" : string.Join(", ", names);
    }
}
