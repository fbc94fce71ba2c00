using System;

namespace Attune
{
    /// <summary>
    /// Freezes every parameter of this field (a submodule or a <c>Parameter</c>) of a <see cref="FineTuneAttribute"/>
    /// model: its gradients are off and the optimizer never sees it. With <see cref="UnfreezeAtEpoch"/> the freeze is
    /// gradual (fastai's gradual unfreezing): the field is frozen for the first epochs and trains from that epoch on.
    /// Normalization layers with running statistics (BatchNorm, InstanceNorm) inside a frozen field stay in eval mode
    /// while it is frozen, so their statistics do not drift (docs/training.md).
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class FreezeAttribute : Attribute
    {
        /// <summary>The 1-based epoch from which the field trains: <c>UnfreezeAtEpoch = 3</c> keeps it frozen for
        /// epochs 1 and 2 and trains it from epoch 3. 0 (the default) keeps it frozen for the whole run; otherwise at
        /// least 2.</summary>
        public int UnfreezeAtEpoch { get; set; }

        /// <summary>With <see cref="UnfreezeAtEpoch"/> on a stack of layers (a type implementing <c>Attune.ILayeredModule</c>,
        /// such as a transformer encoder): the top layer trains from <see cref="UnfreezeAtEpoch"/>, the layer below it
        /// one epoch later, and so on down to the embeddings (ULMFiT's gradual unfreezing).</summary>
        public bool LayerByLayer { get; set; }
    }

    /// <summary>
    /// Layer-wise learning-rate decay on a stack of layers (a field whose type implements <c>Attune.ILayeredModule</c>,
    /// such as a transformer encoder): the top layer trains at the field's rate, each layer below at
    /// <see cref="Decay"/> times the rate of the layer above — the lower layers, which hold the most general features,
    /// change least.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LayerwiseDecayAttribute : Attribute
    {
        /// <param name="decay">The rate multiplier from one layer to the one below it, in (0, 1]; 0.8–0.95 is usual.</param>
        public LayerwiseDecayAttribute(double decay) => Decay = decay;

        /// <summary>The rate multiplier from one layer to the one below it, in (0, 1].</summary>
        public double Decay { get; }
    }

    /// <summary>Gives this field's parameters their own learning rate (a parameter group), e.g. a new head that should
    /// learn faster than the pretrained body.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LearningRateAttribute : Attribute
    {
        /// <param name="value">The learning rate, greater than 0.</param>
        public LearningRateAttribute(double value) => Value = value;

        /// <summary>The learning rate, greater than 0.</summary>
        public double Value { get; }
    }

    /// <summary>Gives this field's parameters their own weight decay, e.g. 0 for norms and embeddings.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class WeightDecayAttribute : Attribute
    {
        /// <param name="value">The weight decay, at least 0.</param>
        public WeightDecayAttribute(double value) => Value = value;

        /// <summary>The weight decay, at least 0.</summary>
        public double Value { get; }
    }
}
