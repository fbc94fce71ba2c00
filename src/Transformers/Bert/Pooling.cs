namespace Attune.Transformers;

/// <summary>How a sequence's token vectors become one vector per row.</summary>
public enum Pooling
{
    /// <summary>The [CLS] token through the pooler, tanh(dense(h[:, 0])), as Hugging Face's <c>BertForSequenceClassification</c> does.</summary>
    Pooler,

    /// <summary>The [CLS] token's vector h[:, 0] as it is.</summary>
    Cls,

    /// <summary>The mean over real tokens (attention mask 1), padding excluded — how sentence-transformers' MiniLM
    /// encoders were trained to summarise a sentence.</summary>
    Mean,
}
