using Microsoft.Extensions.Logging;

namespace Attune.Transformers;

/// <summary>How a <see cref="TextClassificationData"/> is read, tokenized and batched.</summary>
public sealed record TextDataOptions
{
    /// <summary>
    /// The most tokens a row keeps, <c>[CLS]</c> and <c>[SEP]</c> included (at least 2). Longer rows are truncated (their
    /// first <c>MaxLength - 2</c> word pieces kept, <c>[SEP]</c> last) and counted in <see cref="TextDataStatistics.TruncatedRows"/>.
    /// Defaults to 128.
    /// </summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>
    /// The model's number of positions (512 for BERT and MiniLM), when known: a <see cref="MaxLength"/> above it is an
    /// error here rather than an index error inside the model's position embedding.
    /// </summary>
    public int? MaxPositions { get; init; }

    /// <summary>
    /// The header name of the text column of a CSV file, matched exactly, else ignoring case and surrounding spaces.
    /// Defaults to <c>text</c>.
    /// </summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>
    /// The header name of the label column of a CSV file, matched as <see cref="TextColumn"/>. Labels are class names:
    /// spaces around them are trimmed, case is kept. Defaults to <c>label</c>.
    /// </summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>The field separator of a CSV file. Defaults to a comma.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>
    /// The label indices to use: null (training data) builds them from the rows' labels in sorted order; the training
    /// set's <see cref="TextClassificationData.Labels"/> (validation and test data) makes them share its indices, and
    /// a row with a label it does not know is an error.
    /// </summary>
    public LabelMap? Labels { get; init; }

    /// <summary>
    /// Length-grouped batching for shuffled passes (Hugging Face's <c>group_by_length</c>): the rows are shuffled, cut
    /// into mega-batches of <see cref="MegaBatchSize"/> batches, each mega-batch is sorted by length and cut into batches,
    /// and the batches are shuffled again. Rows in a batch then have similar lengths, so dynamic padding adds little,
    /// while which rows meet and the order of batches stay random (and repeat for a seeded generator), except that the
    /// batch holding the longest row comes first, so a step too wide for memory fails at once. Unshuffled passes keep
    /// the rows' order. Off by default.
    /// </summary>
    public bool GroupByLength { get; init; }

    /// <summary>
    /// Pads every batch to <see cref="MaxLength"/> instead of its own longest row: fixed shapes [batch, MaxLength], e.g.
    /// for exporting a model or for accelerators that recompile per shape. The attention mask still marks only the real
    /// tokens, so results are the same; the cost is the compute spent on padding (see
    /// <see cref="TextClassificationData.PaddingEfficiency"/> with <see cref="BatchPadding.ToMaximum"/>). Off by default
    /// (dynamic padding).
    /// </summary>
    public bool PadToMaxLength { get; init; }

    /// <summary>The number of batches in a mega-batch for <see cref="GroupByLength"/>. Defaults to 50, as Hugging Face's.</summary>
    public int MegaBatchSize { get; init; } = 50;

    /// <summary>
    /// Where the set's warnings go when it is built (truncated rows, event id 200 <c>TextDataTruncated</c>), besides
    /// <see cref="TextDataStatistics.Warnings"/>. Null: only there.
    /// </summary>
    public ILogger? Logger { get; init; }
}
