using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// The feed-forward contraction with its residual connection: LayerNorm(dropout(dense(x)) + input), intermediate → H
/// (Hugging Face's <c>BertOutput</c>; keys <c>dense.*</c>, <c>LayerNorm.*</c>).
/// </summary>
public sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertOutput(BertConfig config) : base(nameof(BertOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The contraction (<c>encoder.layer.*.output.dense</c>).</summary>
    public Linear Dense => dense;

    /// <param name="intermediate">[B, T, intermediate].</param>
    /// <param name="input">The feed-forward block's input [B, T, H] (the residual).</param>
    public override Tensor forward(Tensor intermediate, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = dropout.call(dense.call(intermediate)).add_(input);
        return LayerNorm.call(x).MoveToOuterDisposeScope();
    }
}
