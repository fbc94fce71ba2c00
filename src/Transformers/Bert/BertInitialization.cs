using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// Hugging Face's <c>BertPreTrainedModel._init_weights</c>: Linear and Embedding weights ~ N(0, initializer_range),
/// biases 0, the padding token's embedding row 0, LayerNorm weight 1 and bias 0. TorchSharp's defaults (Kaiming
/// uniform, N(0, 1) embeddings) would make a fresh head or a model trained from scratch behave unlike Hugging Face's.
/// </summary>
internal static class BertInitialization
{
    public static void Apply(nn.Module root, BertConfig config)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    Linear(linear, config.InitializerRange);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight!, 0.0, config.InitializerRange);
                    break;
                case LayerNorm norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
        // Only the word embeddings have a padding row.
        if (root is BertModel bert && config.PadTokenId < config.VocabSize)
        {
            using var row = bert.Embeddings.WordEmbeddings.weight![config.PadTokenId];
            row.zero_();
        }
    }

    public static void Linear(Linear linear, double std)
    {
        using var noGrad = torch.no_grad();
        nn.init.normal_(linear.weight!, 0.0, std);
        if (linear.bias is { } bias) nn.init.zeros_(bias);
    }
}
