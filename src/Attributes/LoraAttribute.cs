using System;

namespace Attune
{
    /// <summary>
    /// Fine-tunes this field of a <see cref="FineTuneAttribute"/> model through low-rank adapters (LoRA, Hu et al. 2021)
    /// instead of its own weights: each adapted <c>Linear</c> computes <c>W x + b + (Alpha / Rank) · B(A(dropout(x)))</c>
    /// with A (Rank × in, Kaiming-uniform) and B (out × Rank, zeros) the only trainable parameters of the field; its base
    /// weights, biases and any other parameters (norms, non-targeted layers) are frozen.
    /// </summary>
    /// <remarks>
    /// On a <c>Linear</c> field, that layer is adapted. On a container field (a <c>Sequential</c> or your own module),
    /// <see cref="Targets"/> picks the <c>Linear</c> layers inside it by their dotted names in the container's
    /// <c>named_modules()</c>: <c>*</c> matches one name segment (no dot), <c>**</c> any number of segments (also none),
    /// everything else matches itself, and a pattern must match the whole name (<c>"*.fc1"</c>, <c>"layers.*.q"</c>,
    /// <c>"**.proj"</c>). Every pattern must match at least one <c>Linear</c>: the build says so where the container's
    /// fields are visible, the run otherwise. Adapted layers must be invoked with <c>call(x)</c>, not <c>forward(x)</c>:
    /// the adapter is a TorchSharp forward hook, and <c>forward</c> skips hooks. See docs/lora.md.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LoraAttribute : Attribute
    {
        /// <summary>The adapters' rank r, at least 1. Default 8.</summary>
        public int Rank { get; set; } = 8;

        /// <summary>The scale numerator: the adapter's output is multiplied by Alpha / Rank. Greater than 0; default 16.</summary>
        public double Alpha { get; set; } = 16;

        /// <summary>Dropout on the adapter's input while training, in [0, 1). Default 0.</summary>
        public double Dropout { get; set; }

        /// <summary>Name patterns of the <c>Linear</c> layers to adapt inside a container field; null or empty adapts
        /// the field itself, which must then be a <c>Linear</c>.</summary>
        public string[]? Targets { get; set; }
    }
}
