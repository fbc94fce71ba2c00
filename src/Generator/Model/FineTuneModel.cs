namespace Attune.Generator.Model
{
    /// <summary>One property of <c>FineTuneOptions</c> and the C# literal it is initialised with.</summary>
    internal sealed record OptionAssignment(string Name, string Literal);

    /// <summary>A <c>FieldRule.For(...)</c> call: the field's name, how to read it, and the literals of its rule.</summary>
    /// <param name="UnfreezeAtEpoch">[Freeze(UnfreezeAtEpoch = n)]: n, or 0.</param>
    /// <param name="LearningRateScale">[LearningRateScale(s)]: the literal of s, or null.</param>
    /// <param name="Lora">The C# expression of the field's <c>LoraSpec</c> when it has [Lora]; null otherwise.</param>
    /// <param name="LayerDecay">[LayerwiseDecay(d)]: the literal of d, or null.</param>
    /// <param name="LayerByLayer">[Freeze(LayerByLayer = true)] with a valid UnfreezeAtEpoch.</param>
    internal sealed record FieldRuleModel(string FieldName, string Identifier, bool Frozen, string? LearningRate, string? WeightDecay, int UnfreezeAtEpoch = 0, string? LearningRateScale = null, string? Lora = null,
        string? LayerDecay = null, bool LayerByLayer = false);

    /// <summary>A custom loss or metric method of the model.</summary>
    /// <param name="Expression">What to call: <c>this.Name</c> or the fully qualified <c>global::Ns.Type.Name</c>.</param>
    internal sealed record CustomHookModel(string Expression);

    /// <summary>Everything the emitter needs for one <c>[FineTune]</c> class; plain, equatable values only.</summary>
    /// <remarks><see cref="HidesInheritedMembers"/>: a base class already has the generated members (it is a
    /// <c>[FineTune]</c> model too), so they are emitted with <c>new</c>. <see cref="InputType"/>: the fully qualified
    /// TInput of <c>nn.Module&lt;TInput, Tensor&gt;</c> (a batch record), or null for a <c>Tensor</c> input.</remarks>
    internal sealed record FineTuneModel(
        HierarchyInfo Hierarchy,
        string HintName,
        string ModelName,
        string DocName,
        EquatableArray<OptionAssignment> Options,
        EquatableArray<FieldRuleModel> Fields,
        CustomHookModel? CustomLoss,
        CustomHookModel? CustomMetric,
        bool HidesInheritedMembers,
        string? InputType = null);

    /// <summary>What the parser found for one <c>[FineTune]</c> class: the model to emit (null when the source would
    /// not compile) and the diagnostics, which travel on their own pipeline.</summary>
    internal sealed record FineTuneParseResult(FineTuneModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
