using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Attune.FineTuning;

/// <summary>One optimizer parameter group: its parameters and base learning rate / weight decay.</summary>
internal sealed record ParameterGroupSpec(string Name, List<Parameter> Parameters, double LearningRate, double WeightDecay);

/// <summary>What the plan did to one field (or, for "(other)", to the parameters no field rule names).</summary>
internal sealed record FieldSummary(string Field, long Trainable, long Frozen, double? LearningRate, double? WeightDecay);

/// <summary>A field frozen when the run starts that trains from <see cref="FieldRule.UnfreezeAtEpoch"/>: its parameters
/// are already in their optimizer group (with <c>requires_grad = false</c>, so no optimizer touches them) and
/// <see cref="ParameterGroups.Unfreeze"/> switches their gradients on.</summary>
internal sealed record PendingField(FieldRule Rule, List<Parameter> Parameters, long Count, double LearningRate);

/// <summary>
/// Turns a plan's field rules into optimizer parameter groups. Frozen fields get <c>requires_grad = false</c> and are
/// never handed to the optimizer (so AdamW's decoupled weight decay cannot move them either); fields with their own
/// learning rate or weight decay get their own group; every other trainable parameter of the model joins the default
/// group. Parameters are matched by native handle, not by name, so a field is recognised however it was registered.
/// A field that unfreezes at a later epoch joins its group from the start with <c>requires_grad = false</c>: TorchSharp
/// 0.107's AdamW, Adam and SGD skip a parameter whose gradient is null before any update (weight decay included), and
/// their per-parameter state (Adam's step count) starts when the field first trains, so the optimizer's groups, and
/// hence its saved state, keep one shape for the whole run.
/// </summary>
internal sealed class ParameterGroups
{
    private ParameterGroups(List<ParameterGroupSpec> groups, List<Parameter> trainable, List<FieldSummary> fields, long trainableCount, long frozenCount)
    {
        Groups = groups;
        Trainable = trainable;
        Fields = fields;
        TrainableCount = trainableCount;
        FrozenCount = frozenCount;
    }

    public List<ParameterGroupSpec> Groups { get; }
    /// <summary>Every parameter the optimizer updates, for gradient clipping.</summary>
    public List<Parameter> Trainable { get; }
    public List<FieldSummary> Fields { get; }
    /// <summary>Trainable scalar weights (elements, not tensors), now.</summary>
    public long TrainableCount { get; private set; }
    public long FrozenCount { get; private set; }
    /// <summary>Fields frozen now that train from a later epoch, in plan order.</summary>
    public List<PendingField> Pending { get; } = new();

    /// <summary>Switches a pending field's gradients on and hands its parameters to gradient clipping.</summary>
    public void Unfreeze(PendingField field)
    {
        if (!Pending.Remove(field)) return;
        foreach (var parameter in field.Parameters)
        {
            parameter.requires_grad = true;
            Trainable.Add(parameter);
        }
        TrainableCount += field.Count;
        FrozenCount -= field.Count;
    }

    /// <exception cref="ArgumentException">A parameter is claimed by two fields, a field's parameters are not part of
    /// the model, or nothing is left to train.</exception>
    public static ParameterGroups Build(nn.Module model, FineTunePlan plan, FineTuneOptions options)
    {
        var modelNames = new Dictionary<IntPtr, string>();
        var modelParameters = new List<(string Name, Parameter Parameter)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (modelNames.TryAdd(parameter.Handle, name))
                modelParameters.Add((name, parameter));
        }

        var owner = new Dictionary<IntPtr, FieldRule>();
        foreach (var rule in plan.Fields)
        {
            foreach (var (name, parameter) in rule.Parameters)
            {
                if (!modelNames.TryGetValue(parameter.Handle, out var modelName))
                    throw new ArgumentException(
                        $"Field '{rule.FieldName}' of {plan.ModelName} holds parameter '{Qualified(rule.FieldName, name)}' that is not registered in the model; expected every field's module to be registered (call RegisterComponents() after assigning the fields).");
                if (owner.TryGetValue(parameter.Handle, out var other) && !ReferenceEquals(other, rule))
                    throw new ArgumentException(
                        $"Parameter '{modelName}' of {plan.ModelName} is claimed by two field rules, '{other.FieldName}' and '{rule.FieldName}'; expected each parameter to belong to at most one [Freeze]/[LearningRate]/[WeightDecay] field. Share the module through one field only.");
                owner[parameter.Handle] = rule;
            }
        }

        var groups = new List<ParameterGroupSpec>();
        var trainable = new List<Parameter>();
        var fields = new List<FieldSummary>();
        var pending = new List<PendingField>();
        long trainableCount = 0, frozenCount = 0;

        foreach (var rule in plan.Fields)
        {
            long fieldTrainable = 0, fieldFrozen = 0;
            List<Parameter>? own = rule.HasOwnGroup ? new List<Parameter>() : null;
            List<Parameter>? later = rule.Frozen && !rule.AlwaysFrozen ? new List<Parameter>() : null;
            double rate = rule.LearningRate ?? options.LearningRate * (rule.LearningRateScale ?? 1.0);
            foreach (var (_, parameter) in rule.Parameters)
            {
                long n = parameter.numel();
                if (!rule.Trains(parameter)) // frozen field, or a LoRA field's base weights
                {
                    parameter.requires_grad = false;
                    fieldFrozen += n;
                    if (later is not null)
                    {
                        later.Add(parameter);
                        own?.Add(parameter); // in its group from the start; no gradient, so no update until it unfreezes
                    }
                    continue;
                }
                // A field the plan trains is trained even if an earlier run or plan had frozen it.
                parameter.requires_grad = true;
                fieldTrainable += n;
                if (own is not null)
                {
                    own.Add(parameter);
                    trainable.Add(parameter);
                }
            }
            if (own is { Count: > 0 })
                groups.Add(new ParameterGroupSpec(rule.FieldName, own, rate, rule.WeightDecay ?? options.WeightDecay));
            if (later is { Count: > 0 })
                pending.Add(new PendingField(rule, later, fieldFrozen, rate));
            fields.Add(new FieldSummary(rule.FieldName, fieldTrainable, fieldFrozen, rule.LearningRate ?? (rule.LearningRateScale is null ? null : rate), rule.WeightDecay));
            trainableCount += fieldTrainable;
            frozenCount += fieldFrozen;
        }

        // Everything no rule gave its own group: fields without rate/decay and parameters no field names. Parameters
        // outside every rule that the caller froze by hand (requires_grad = false) stay frozen.
        var defaults = new List<Parameter>();
        long otherTrainable = 0, otherFrozen = 0;
        foreach (var (_, parameter) in modelParameters)
        {
            if (owner.TryGetValue(parameter.Handle, out var rule))
            {
                if (!rule.AlwaysFrozen && !rule.HasOwnGroup && (rule.Lora is null || rule.Trains(parameter)))
                {
                    defaults.Add(parameter);
                    if (!rule.Frozen) trainable.Add(parameter);
                }
                continue;
            }
            long n = parameter.numel();
            if (parameter.requires_grad)
            {
                defaults.Add(parameter);
                trainable.Add(parameter);
                otherTrainable += n;
            }
            else otherFrozen += n;
        }
        if (otherTrainable + otherFrozen > 0)
            fields.Add(new FieldSummary("(other)", otherTrainable, otherFrozen, null, null));
        trainableCount += otherTrainable;
        frozenCount += otherFrozen;
        if (defaults.Count > 0)
            groups.Insert(0, new ParameterGroupSpec("(default)", defaults, options.LearningRate, options.WeightDecay));

        if (trainable.Count == 0)
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0} has nothing to train in epoch 1: all {1} of its parameters are frozen{2}; expected at least one trainable field from the start. Remove a [Freeze] or unfreeze a parameter.",
                plan.ModelName, frozenCount,
                pending.Count == 0 ? "" : " (" + string.Join(", ", pending.ConvertAll(p => p.Rule.FieldName + " unfreezes at epoch " + p.Rule.UnfreezeAtEpoch.ToString(CultureInfo.InvariantCulture))) + ")"));

        var result = new ParameterGroups(groups, trainable, fields, trainableCount, frozenCount);
        result.Pending.AddRange(pending);
        return result;
    }

    private static string Qualified(string field, string name) => name.Length == 0 ? field : field + "." + name;
}
