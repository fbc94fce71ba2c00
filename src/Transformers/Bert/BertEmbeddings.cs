using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// Word + position + token-type embeddings, then LayerNorm and dropout (Hugging Face's <c>BertEmbeddings</c>; keys
/// <c>word_embeddings.weight</c>, <c>position_embeddings.weight</c>, <c>token_type_embeddings.weight</c>,
/// <c>LayerNorm.weight/bias</c>).
/// </summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor?, Tensor>
{
    // Field names are the state_dict names (TorchSharp's RegisterComponents), so they follow Hugging Face, not C# style.
#pragma warning disable IDE1006
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly int _maxPositions;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        _maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    /// <summary>The word-embedding table [vocab, hidden].</summary>
    public Embedding WordEmbeddings => word_embeddings;

    /// <summary>Embeds int64 token ids [B, T] (with optional token types [B, T]; null means all type 0) to [B, T, H].</summary>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        long length = inputIds.shape[^1];
        if (length > _maxPositions)
            throw new ArgumentException($"The batch is {length} tokens long but the model has {_maxPositions} position embeddings (max_position_embeddings); truncate the input to at most {_maxPositions} tokens.", nameof(inputIds));
        using var scope = torch.NewDisposeScope();
        var x = word_embeddings.call(inputIds);
        // Positions 0..T-1 for every row (absolute positions); [T, H] broadcasts over the batch.
        using (var positions = torch.arange(length, ScalarType.Int64, inputIds.device))
            x = x.add_(position_embeddings.call(positions));
        // No token types means type 0 everywhere: adding row 0 directly equals looking up a tensor of zeros, without
        // building one; the gradient still reaches that row.
        x = tokenTypeIds is null
            ? x.add_(token_type_embeddings.weight![0])
            : x.add_(token_type_embeddings.call(tokenTypeIds));
        x = dropout.call(LayerNorm.call(x));
        return x.MoveToOuterDisposeScope();
    }
}
