using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// tanh(dense(hidden[:, 0])): the [CLS] token's vector through a learned projection (Hugging Face's
/// <c>BertPooler</c>; keys <c>dense.*</c>). BERT's next-sentence head trained it; sequence classifiers start from it.
/// </summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear dense;
#pragma warning restore IDE1006

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">The encoder's last hidden state [B, T, H].</param>
    /// <returns>[B, H].</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        var cls = hidden.select(1, 0);
        return dense.call(cls).tanh_().MoveToOuterDisposeScope();
    }
}
