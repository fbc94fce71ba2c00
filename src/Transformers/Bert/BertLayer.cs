using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// One transformer layer: attention, then the feed-forward block, each with a residual LayerNorm (Hugging Face's
/// <c>BertLayer</c>; keys <c>attention.*</c>, <c>intermediate.*</c>, <c>output.*</c>).
/// </summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public BertAttention Attention => attention;
    public BertIntermediate Intermediate => intermediate;
    public BertResidualOutput Output => output;

    /// <param name="hidden">[B, T, H].</param>
    /// <param name="additiveMask">[B, 1, 1, T]; see <see cref="BertModel.AdditiveMask"/>.</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var attended = attention.call(hidden, additiveMask);
        return output.call(intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}
