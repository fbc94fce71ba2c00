using System;

namespace Attune
{
    /// <summary>
    /// Freezes every parameter of this field (a submodule or a <c>Parameter</c>) of a <see cref="FineTuneAttribute"/>
    /// model: its gradients are off and the optimizer never sees it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class FreezeAttribute : Attribute
    {
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
