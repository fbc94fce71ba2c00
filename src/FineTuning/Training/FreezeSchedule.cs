using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Gradual unfreezing and the normalization layers of frozen fields, epoch by epoch.
/// </summary>
/// <remarks>
/// <para>A field with <c>[Freeze(UnfreezeAtEpoch = n)]</c> is unfrozen just before epoch n's first step: its gradients
/// are switched on, it joins gradient clipping, and its group's rate follows the schedule like every other group (the
/// schedule is not restarted; add warmup or a lower <c>[LearningRateScale]</c> for a gentler start).</para>
/// <para>Normalization layers with running statistics (TorchSharp's <see cref="NormBase"/>: BatchNorm1d/2d/3d and
/// InstanceNorm1d/2d/3d) inside a field that is frozen stay in eval mode during training: a frozen feature extractor
/// expects the statistics it was trained with, and in train mode a batch would both normalize by its own statistics and
/// move the running ones, so the "frozen" field would change its output and its state. This is Keras' rule for
/// <c>trainable = False</c>; fastai's default (<c>train_bn=True</c>) instead trains them. LayerNorm and GroupNorm
/// keep no running statistics and need nothing. When the field unfreezes its norms train normally. A norm that should
/// keep adapting in a frozen body belongs in a field of its own without [Freeze].</para>
/// </remarks>
internal sealed class FreezeSchedule
{
    private readonly ParameterGroups _groups;
    private readonly ILogger _logger;
    private readonly List<(FieldRule Rule, List<nn.Module> Norms)> _frozenNorms = new();
    private readonly List<FieldUnfrozen> _unfrozen;

    // unfrozen: where unfrozen fields are recorded, the run's TrainerState.Unfrozen.
    public FreezeSchedule(FineTunePlan plan, ParameterGroups groups, int epochs, ILogger logger, List<FieldUnfrozen> unfrozen)
    {
        _groups = groups;
        _unfrozen = unfrozen;
        _logger = logger;
        foreach (var rule in plan.Fields)
        {
            if (!rule.Frozen || rule.Module is null) continue;
            var norms = new List<nn.Module>();
            if (rule.Module is NormBase) norms.Add(rule.Module); // named_modules() lists descendants only
            foreach (var (_, module) in rule.Module.named_modules())
                if (module is NormBase) norms.Add(module);
            if (norms.Count > 0)
            {
                _frozenNorms.Add((rule, norms));
                TrainingEventsLog.FrozenNorms(logger, rule.FieldName, norms.Count);
            }
        }
        foreach (var pending in groups.Pending)
            TrainingEventsLog.WillUnfreeze(logger, pending.Rule.FieldName, pending.Rule.UnfreezeAtEpoch, epochs);
    }

    /// <summary>The fields unfrozen so far, in the order they unfroze.</summary>
    public IReadOnlyList<FieldUnfrozen> Unfrozen => _unfrozen;

    /// <summary>Unfreezes every pending field whose epoch is at most <paramref name="epoch"/>; called before each
    /// epoch, and on resume with the last finished epoch (<paramref name="resumed"/>) to rebuild the same state.</summary>
    public void UnfreezeThrough(int epoch, bool resumed = false)
    {
        var pending = _groups.Pending;
        for (int i = 0; i < pending.Count;)
        {
            var field = pending[i];
            if (field.Rule.UnfreezeAtEpoch > epoch) { i++; continue; }
            _groups.Unfreeze(field); // removes it from Pending
            _frozenNorms.RemoveAll(f => ReferenceEquals(f.Rule, field.Rule));
            _unfrozen.Add(new FieldUnfrozen(field.Rule.FieldName, field.Rule.UnfreezeAtEpoch, field.Count));
            if (!resumed) TrainingEventsLog.Unfrozen(_logger, field.Rule.FieldName, field.Rule.UnfreezeAtEpoch, field.Count, field.LearningRate);
        }
    }

    /// <summary>Puts the normalization layers of the fields frozen now back in eval mode; called right after
    /// <c>model.train()</c> at the start of each training pass.</summary>
    public void KeepFrozenNormsInEval()
    {
        foreach (var (_, norms) in _frozenNorms)
            foreach (var norm in norms) norm.eval();
    }
}
