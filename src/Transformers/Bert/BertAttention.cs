using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// Self-attention followed by its output projection and residual LayerNorm (Hugging Face's <c>BertAttention</c>;
/// keys <c>self.*</c>, <c>output.*</c>).
/// </summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    // "self" is the Hugging Face name of this submodule; it is an ordinary identifier in C#.
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertResidualOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    /// <summary>The multi-head attention (<c>attention.self</c>).</summary>
    public BertSelfAttention Self => self;

    /// <summary>The output projection with residual LayerNorm (<c>attention.output</c>).</summary>
    public BertResidualOutput Output => output;

    /// <inheritdoc cref="BertSelfAttention.forward"/>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var context = self.call(hidden, additiveMask);
        return output.call(context, hidden).MoveToOuterDisposeScope();
    }
}
