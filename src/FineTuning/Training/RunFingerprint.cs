using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// What a resume checkpoint must agree on with the run that reads it: the model's name, the options that shape the
/// run, the number of training examples, and the plan — every field rule and every parameter and buffer with its
/// shape, dtype and role when the run starts (trained, frozen, frozen until epoch n). LoRA adapters and any other
/// registered parameter appear by name, so a checkpoint of an adapted model does not load into a plain one.
/// </summary>
internal sealed record RunFingerprint(string ModelName, IReadOnlyList<(string Key, string Value)> Options, IReadOnlyList<string> Plan)
{
    /// <summary>Taken when the run starts, before any field unfreezes.</summary>
    public static RunFingerprint Take(nn.Module model, FineTunePlan plan, ParameterGroups groups, FineTuneOptions options, long trainCount)
    {
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        // Options that change what the run computes. CheckpointDirectory and Resume say where and whether, not what.
        var o = new List<(string, string)>
        {
            ("Epochs", options.Epochs.ToString(CultureInfo.InvariantCulture)),
            ("BatchSize", options.BatchSize.ToString(CultureInfo.InvariantCulture)),
            ("LearningRate", D(options.LearningRate)),
            ("WeightDecay", D(options.WeightDecay)),
            ("Optimizer", options.Optimizer.ToString()),
            ("Momentum", D(options.Momentum)),
            ("Schedule", options.Schedule.ToString()),
            ("WarmupSteps", options.WarmupSteps.ToString(CultureInfo.InvariantCulture)),
            ("WarmupRatio", D(options.WarmupRatio)),
            ("Loss", options.Loss.ToString()),
            ("Metric", options.Metric.ToString()),
            ("MetricDirection", options.EffectiveDirection.ToString()),
            ("Patience", options.Patience.ToString(CultureInfo.InvariantCulture)),
            ("MinDelta", D(options.MinDelta)),
            ("MaxGradNorm", D(options.MaxGradNorm)),
            ("Seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
            ("Shuffle", options.Shuffle ? "true" : "false"),
            ("AccumulationSteps", options.AccumulationSteps.ToString(CultureInfo.InvariantCulture)),
            ("training examples", trainCount.ToString(CultureInfo.InvariantCulture)),
        };

        var lines = new List<string>();
        foreach (var rule in plan.Fields)
        {
            string state = rule.AlwaysFrozen ? "frozen" : rule.Frozen ? "frozen until epoch " + rule.UnfreezeAtEpoch.ToString(CultureInfo.InvariantCulture) : "trained";
            string rate = rule.LearningRate is double lr ? ", learning rate " + D(lr) : rule.LearningRateScale is double s ? ", learning-rate scale " + D(s) : "";
            string decay = rule.WeightDecay is double wd ? ", weight decay " + D(wd) : "";
            lines.Add($"field {rule.FieldName}: {state}{rate}{decay}");
        }
        var pending = new Dictionary<IntPtr, int>();
        foreach (var p in groups.Pending)
            foreach (var parameter in p.Parameters) pending[parameter.Handle] = p.Rule.UnfreezeAtEpoch;
        foreach (var (name, parameter) in model.named_parameters())
        {
            string role = pending.TryGetValue(parameter.Handle, out var epoch)
                ? "frozen until epoch " + epoch.ToString(CultureInfo.InvariantCulture)
                : parameter.requires_grad ? "trained" : "frozen";
            lines.Add($"parameter {name} {Shape(parameter)} {parameter.dtype}: {role}");
        }
        foreach (var (name, buffer) in model.named_buffers())
            lines.Add($"buffer {name} {Shape(buffer)} {buffer.dtype}");
        return new RunFingerprint(plan.ModelName, o, lines);
    }

    /// <summary>Every difference, each naming the item and both values; empty when the runs agree.</summary>
    public List<string> Differences(RunFingerprint saved)
    {
        const int Shown = 8;
        var differences = new List<string>();
        if (saved.ModelName != ModelName)
            differences.Add($"model: the checkpoint is of {saved.ModelName}, this run is {ModelName}");
        var now = Options.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (key, value) in saved.Options)
        {
            if (!now.TryGetValue(key, out var current)) differences.Add($"{key}: {value} in the checkpoint, not known to this version");
            else if (current != value) differences.Add($"{key}: {value} in the checkpoint, {current} now");
        }
        var savedPlan = new HashSet<string>(saved.Plan, StringComparer.Ordinal);
        var nowPlan = new HashSet<string>(Plan, StringComparer.Ordinal);
        var onlySaved = saved.Plan.Where(l => !nowPlan.Contains(l)).ToList();
        var onlyNow = Plan.Where(l => !savedPlan.Contains(l)).ToList();
        differences.AddRange(onlySaved.Take(Shown).Select(l => $"plan: the checkpoint has '{l}', this run does not"));
        if (onlySaved.Count > Shown) differences.Add($"plan: {onlySaved.Count - Shown} more item(s) only in the checkpoint");
        differences.AddRange(onlyNow.Take(Shown).Select(l => $"plan: this run has '{l}', the checkpoint does not"));
        if (onlyNow.Count > Shown) differences.Add($"plan: {onlyNow.Count - Shown} more item(s) only in this run");
        return differences;
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
