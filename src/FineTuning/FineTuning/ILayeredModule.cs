using System.Collections.Generic;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// A module made of a stack of layers — a transformer encoder: embeddings, then its blocks — that field rules can treat
/// one layer at a time: layer-wise learning-rate decay (<c>[LayerwiseDecay]</c>) and unfreezing from the top layer down
/// (<c>[Freeze(UnfreezeAtEpoch = n, LayerByLayer = true)]</c>).
/// </summary>
public interface ILayeredModule
{
    /// <summary>
    /// The layers from the input side (first) to the output side (last), each with a name for messages and reports
    /// (e.g. <c>embeddings</c>, <c>encoder.layer.0</c>). Parameters of the module in none of them (a pooler, say) are
    /// treated as part of the top layer.
    /// </summary>
    IReadOnlyList<(string Name, nn.Module Module)> Layers { get; }
}
