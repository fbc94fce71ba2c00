using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// Multi-head scaled dot-product self-attention (Hugging Face's <c>BertSelfAttention</c>; keys
/// <c>query</c>, <c>key</c>, <c>value</c> <c>.weight/.bias</c>). Returns the heads' context vectors, concatenated
/// [B, T, H], before the output projection.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        ArgumentNullException.ThrowIfNull(config);
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _dropout = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <summary>The query projection (a LoRA target: <c>encoder.layer.*.attention.self.query</c>).</summary>
    public Linear Query => query;

    /// <summary>The key projection.</summary>
    public Linear Key => key;

    /// <summary>The value projection (a LoRA target: <c>encoder.layer.*.attention.self.value</c>).</summary>
    public Linear Value => value;

    /// <param name="hidden">[B, T, H].</param>
    /// <param name="additiveMask">[B, 1, 1, T] added to the attention scores: 0 for real tokens, a large negative
    /// number for padding (see <see cref="BertModel.AdditiveMask"/>).</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        // [B, T, H] -> [B, heads, T, headSize]
        Tensor Split(Linear projection) => projection.call(hidden).view(batch, length, _heads, _headSize).transpose(1, 2);
        var q = Split(query);
        var k = Split(key);
        var v = Split(value);
        // softmax(q·kᵀ/√d + mask)·v, with dropout on the weights while training — Hugging Face's eager attention, fused.
        var context = nn.functional.scaled_dot_product_attention(q, k, v, additiveMask, training ? _dropout : 0.0);
        var merged = context.transpose(1, 2).reshape(batch, length, (long)_heads * _headSize);
        return merged.MoveToOuterDisposeScope();
    }
}
