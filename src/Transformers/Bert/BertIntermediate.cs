using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>The feed-forward expansion: activation(dense(x)), H → intermediate (Hugging Face's <c>BertIntermediate</c>; keys <c>dense.*</c>).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly BertActivation _activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        ArgumentNullException.ThrowIfNull(config);
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _activation = config.Activation;
        RegisterComponents();
    }

    /// <summary>The expansion (<c>encoder.layer.*.intermediate.dense</c>).</summary>
    public Linear Dense => dense;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        return BertActivations.Apply(_activation, dense.call(hidden)).MoveToOuterDisposeScope();
    }
}
