namespace Attune.Transformers;

/// <summary>How a <see cref="TextTokenizer"/> prepares text before the WordPiece split.</summary>
public sealed record TextTokenizerOptions
{
    /// <summary>
    /// Lower-case the text (and strip accents, as Hugging Face's uncased BERT tokenizers do) before the WordPiece split.
    /// Null (the default) decides from the vocabulary: one whose word pieces hold no upper-case letter A–Z was built
    /// from lower-cased text (all-MiniLM-L6-v2's is), so text must be lower-cased to find its pieces; a cased vocabulary
    /// keeps the case.
    /// </summary>
    public bool? LowerCase { get; init; }

    /// <summary>
    /// Replace HTML line breaks (<c>&lt;br /&gt;</c>, <c>&lt;br/&gt;</c>, <c>&lt;br&gt;</c>, any case) with a space before
    /// tokenizing. Off by default, so text is tokenized as given; turn it on for text scraped from web pages (the product
    /// reviews carry them), where each break would otherwise cost four tokens (<c>&lt; br / &gt;</c>) that say nothing.
    /// The tokenizer applies it to training and inference text alike, so both see the same input.
    /// </summary>
    public bool ReplaceHtmlLineBreaks { get; init; }
}
