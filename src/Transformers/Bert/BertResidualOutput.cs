using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// A projection back to the hidden size with its residual connection: LayerNorm(dropout(dense(x)) + input). A BERT
/// layer has two, which Hugging Face names as two classes with the same keys (<c>dense.*</c>, <c>LayerNorm.*</c>): the
/// attention's output (<c>BertSelfOutput</c>, H → H, at <c>encoder.layer.*.attention.output</c>) and the feed-forward
/// contraction (<c>BertOutput</c>, intermediate → H, at <c>encoder.layer.*.output</c>). Here one class serves both;
/// only the input width differs.
/// </summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <param name="inputSize">The width of what is projected: the hidden size after attention, the intermediate size after the feed-forward expansion.</param>
    /// <param name="config">The encoder's configuration (hidden size, LayerNorm epsilon, dropout).</param>
    public BertResidualOutput(int inputSize, BertConfig config) : base(nameof(BertResidualOutput))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The projection (<c>encoder.layer.*.attention.output.dense</c> or <c>encoder.layer.*.output.dense</c>).</summary>
    public Linear Dense => dense;

    /// <param name="projected">What to project: attention context vectors [B, T, H] or the intermediate activations [B, T, intermediate].</param>
    /// <param name="input">The residual [B, T, H]: the input of the attention or of the feed-forward block.</param>
    public override Tensor forward(Tensor projected, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = dropout.call(dense.call(projected)).add_(input);
        return LayerNorm.call(x).MoveToOuterDisposeScope();
    }
}
