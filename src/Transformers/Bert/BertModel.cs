using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// A BERT encoder whose <c>state_dict()</c> keys are exactly Hugging Face <c>BertModel</c>'s
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.{i}.attention.self.query.weight</c>, …,
/// <c>pooler.dense.bias</c>), so Hugging Face checkpoints load by name and LoRA patterns written for PEFT
/// (<c>encoder.layer.*.attention.self.query</c>) name the same modules. <c>forward</c> returns the last hidden state
/// [B, T, H]. Use it as a field (named <c>bert</c> to keep Hugging Face's keys) inside a model with its own head.
/// </summary>
public sealed partial class BertModel : nn.Module<TextBatch, Tensor>, ILayeredModule
{
#pragma warning disable IDE1006
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;
#pragma warning restore IDE1006

    /// <summary>Builds an encoder with freshly initialised weights (Hugging Face's scheme; load pretrained ones next).</summary>
    /// <param name="config">The architecture; it is validated.</param>
    /// <param name="addPoolingLayer">Whether to have the pooler (<c>pooler.dense</c>). Checkpoints of masked-language
    /// models have none.</param>
    public BertModel(BertConfig config, bool addPoolingLayer = true) : base(nameof(BertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = addPoolingLayer ? new BertPooler(config) : null;
        RegisterComponents();
        BertInitialization.Apply(this, config);
    }

    /// <summary>The architecture this model was built from.</summary>
    public BertConfig Config { get; }

    public BertEmbeddings Embeddings => embeddings;
    public BertEncoder Encoder => encoder;

    /// <summary>The pooler, or null when built without one.</summary>
    public BertPooler? Pooler => pooler;

    /// <summary>The transformer layers in order; layer i's keys start <c>encoder.layer.{i}.</c>.</summary>
    public IReadOnlyList<BertLayer> Layers => encoder.Layers;

    /// <summary>
    /// The stack for layer-wise rules (<c>[LayerwiseDecay]</c>, <c>[Freeze(LayerByLayer = true)]</c>): the embeddings
    /// first, then each transformer layer; the pooler, which sits on the top layer's output, goes with the top layer.
    /// </summary>
    IReadOnlyList<(string Name, nn.Module Module)> ILayeredModule.Layers
    {
        get
        {
            var layers = encoder.Layers;
            var stack = new (string, nn.Module)[layers.Count + 1];
            stack[0] = ("embeddings", embeddings);
            for (int i = 0; i < layers.Count; i++) stack[i + 1] = ("encoder.layer." + i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
            return stack;
        }
    }

    /// <summary>Layer <paramref name="index"/> (0-based).</summary>
    public BertLayer Layer(int index)
    {
        var layers = encoder.Layers;
        if ((uint)index >= (uint)layers.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The model has {layers.Count} layers (0..{layers.Count - 1}).");
        return layers[index];
    }

    /// <summary>The last hidden state [B, T, H] of a batch (float32, on the model's device).</summary>
    public override Tensor forward(TextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = torch.NewDisposeScope();
        var hidden = embeddings.call(batch.InputIds, batch.TokenTypeIds);
        var mask = AdditiveMask(batch.AttentionMask, hidden.dtype);
        return encoder.call(hidden, mask).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Hugging Face's extended attention mask: the [B, T] mask (1 real, 0 padding) as [B, 1, 1, T] of
    /// <paramref name="dtype"/>, 0 where a key is real and the dtype's most negative value where it is padding, so
    /// softmax gives padded keys zero weight. (The ONNX export used −10000; in float32 both give exactly zero weight
    /// after softmax, so outputs agree.)
    /// </summary>
    public static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (attentionMask.dim() != 2)
            throw new ArgumentException($"The attention mask is {Shapes.Describe(attentionMask)}, expected [batch, length].", nameof(attentionMask));
        using var scope = torch.NewDisposeScope();
        var blocked = attentionMask.eq(0).to(dtype).mul_(torch.finfo(dtype).min);
        return blocked.view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One vector per row from the last hidden state: <see cref="Pooling.Pooler"/> (the pooler on [CLS], needs the
    /// pooler), <see cref="Pooling.Cls"/> (h[:, 0]) or <see cref="Pooling.Mean"/> (the mean over tokens whose
    /// <paramref name="attentionMask"/> is 1; padding contributes nothing).
    /// </summary>
    /// <param name="hidden">[B, T, H] from <see cref="forward"/>.</param>
    /// <param name="attentionMask">[B, T] (1 real, 0 padding); used by <see cref="Pooling.Mean"/>.</param>
    /// <param name="pooling">The summary to take.</param>
    /// <returns>[B, H].</returns>
    public Tensor Pool(Tensor hidden, Tensor attentionMask, Pooling pooling)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        switch (pooling)
        {
            case Pooling.Pooler:
                if (pooler is null)
                    throw new InvalidOperationException("Pooling.Pooler needs the pooler, but this BertModel was built with addPoolingLayer: false; use Pooling.Cls or Pooling.Mean.");
                return pooler.call(hidden);
            case Pooling.Cls:
                using (var cls = hidden.select(1, 0)) return cls.clone();
            case Pooling.Mean:
                return MeanPool(hidden, attentionMask);
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Expected Pooling.Pooler, Pooling.Cls or Pooling.Mean.");
        }
    }

    /// <summary>Mean over real tokens: Σ h·m / max(Σ m, 1e-9), as sentence-transformers computes it.</summary>
    public static Tensor MeanPool(Tensor hidden, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (attentionMask.dim() != 2 || hidden.dim() != 3 || attentionMask.shape[0] != hidden.shape[0] || attentionMask.shape[1] != hidden.shape[1])
            throw new ArgumentException($"Mean pooling needs hidden [B, T, H] and a mask [B, T] of the same B and T; got hidden {Shapes.Describe(hidden)} and mask {Shapes.Describe(attentionMask)}.");
        using var scope = torch.NewDisposeScope();
        var m = attentionMask.to(hidden.dtype).unsqueeze(-1); // [B, T, 1]
        var sum = hidden.mul(m).sum(1);                        // [B, H]
        var count = m.sum(1).clamp_min(1e-9);                  // [B, 1]
        return sum.div_(count).MoveToOuterDisposeScope();
    }
}
