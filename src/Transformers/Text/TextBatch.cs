using System;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// One batch of tokenized text as a BERT-family encoder takes it: token ids, the attention mask (1 for a real token,
/// 0 for padding) and, optionally, token-type (segment) ids — all int64 of shape [batch, length]. The batch is padded
/// to its own longest row (dynamic padding), so <c>length</c> varies from batch to batch.
/// </summary>
public sealed class TextBatch : IModelInput
{
    public TextBatch(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        InputIds = inputIds ?? throw new ArgumentNullException(nameof(inputIds));
        AttentionMask = attentionMask ?? throw new ArgumentNullException(nameof(attentionMask));
        TokenTypeIds = tokenTypeIds;
    }

    /// <summary>Token ids, int64 [batch, length].</summary>
    public Tensor InputIds { get; }

    /// <summary>1 where a token is real, 0 where it is padding; int64 [batch, length].</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Segment ids (0 for the first sentence, 1 for the second), or null for all zeros.</summary>
    public Tensor? TokenTypeIds { get; }

    /// <summary>The number of rows.</summary>
    public long Rows => InputIds.shape[0];

    /// <summary>The padded length of this batch.</summary>
    public long Length => InputIds.dim() > 1 ? InputIds.shape[1] : 0;

    public string Describe()
        => $"input_ids {Shapes.Describe(InputIds)}, attention_mask {Shapes.Describe(AttentionMask)}"
           + (TokenTypeIds is null ? "" : $", token_type_ids {Shapes.Describe(TokenTypeIds)}");

    public override string ToString() => Describe();
}
