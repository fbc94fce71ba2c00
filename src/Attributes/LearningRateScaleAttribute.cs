using System;

namespace Attune
{
    /// <summary>
    /// Gives this field's parameters a learning rate relative to the run's base rate (a discriminative learning rate):
    /// <c>[LearningRateScale(0.1)]</c> on a pretrained body trains it at a tenth of <c>LearningRate</c>. Unlike an
    /// absolute <see cref="LearningRateAttribute"/>, the ratio survives a sweep over <c>LearningRate</c>; a field has one
    /// or the other. fastai-style layer-wise decay is a scale per field, e.g. 0.01, 0.1 and 1 from input to head.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LearningRateScaleAttribute : Attribute
    {
        /// <param name="scale">The multiplier of the base learning rate, greater than 0.</param>
        public LearningRateScaleAttribute(double scale) => Scale = scale;

        /// <summary>The multiplier of the base learning rate, greater than 0.</summary>
        public double Scale { get; }
    }
}
