using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// The stack of transformer layers (Hugging Face's <c>BertEncoder</c>; a ModuleList named <c>layer</c>, so keys are
/// <c>layer.0.…</c>, <c>layer.1.…</c>).
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly ModuleList<BertLayer> layer;
#pragma warning restore IDE1006
    private readonly BertLayer[] _layers;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        _layers = Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray();
        layer = nn.ModuleList(_layers);
        RegisterComponents();
    }

    /// <summary>The layers in order (layer i has keys <c>encoder.layer.{i}.…</c> in a <see cref="BertModel"/>).</summary>
    public IReadOnlyList<BertLayer> Layers => _layers;

    /// <param name="hidden">The embeddings [B, T, H].</param>
    /// <param name="additiveMask">[B, 1, 1, T]; see <see cref="BertModel.AdditiveMask"/>.</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var x = hidden;
        foreach (var l in _layers) x = l.call(x, additiveMask);
        // With no layers the input itself would come back; alias it so the caller's scope does not dispose it twice.
        return (ReferenceEquals(x, hidden) ? x.alias() : x).MoveToOuterDisposeScope();
    }
}
