using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// The attention's output projection with its residual connection: LayerNorm(dropout(dense(context)) + input)
/// (Hugging Face's <c>BertSelfOutput</c>; keys <c>dense.*</c>, <c>LayerNorm.*</c>).
/// </summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertSelfOutput(BertConfig config) : base(nameof(BertSelfOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The output projection (<c>encoder.layer.*.attention.output.dense</c>).</summary>
    public Linear Dense => dense;

    /// <param name="context">The attention's context vectors [B, T, H].</param>
    /// <param name="input">The layer's input [B, T, H] (the residual).</param>
    public override Tensor forward(Tensor context, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = dropout.call(dense.call(context)).add_(input);
        return LayerNorm.call(x).MoveToOuterDisposeScope();
    }
}
