using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// Labelled texts for fine-tuning a classifier, tokenized once when the data set is built and kept as compact id
/// arrays. Batches are padded to their own longest row (dynamic padding; to the maximum length with
/// <see cref="TextDataOptions.PadToMaxLength"/>) with an attention mask of 1 for real tokens
/// and 0 for padding (<c>[PAD]</c> ids there); labels are int64 [batch] indices of <see cref="Labels"/>. Optionally
/// length-grouped (<see cref="TextDataOptions.GroupByLength"/>). Shuffling draws from the pass's TorchSharp generator,
/// so a seeded run repeats.
/// </summary>
/// <example>
/// <code>
/// var tokenizer = TextTokenizer.FromPackage(ModelPackage.MiniLM(), new TextTokenizerOptions { ReplaceHtmlLineBreaks = true });
/// var options = new TextDataOptions { TextColumn = "review", LabelColumn = "score", MaxLength = 128, MaxPositions = 512 };
/// var all = TextClassificationData.FromCsv("fine_foods_train.csv", tokenizer, options);
/// var (train, validation) = all.Split(0.1, seed: 1);
/// var test = TextClassificationData.FromCsv("fine_foods_test.csv", tokenizer, options with { Labels = train.Labels });
/// Console.WriteLine(train.Statistics);
/// foreach (var (batch, labels) in train.Batches(16, shuffle: true, new Generator(42))) { /* batch.InputIds [16, T] */ }
/// </code>
/// </example>
public sealed class TextClassificationData : IBatchSource<TextBatch>, IClassLabelSource
{
    private readonly TokenStore _store;
    private TextDataStatistics? _statistics;

    private TextClassificationData(TokenStore store, TextTokenizer tokenizer, LabelMap labels, TextDataOptions options, string source)
    {
        _store = store;
        Tokenizer = tokenizer;
        Labels = labels;
        Options = options with { Labels = labels };
        Source = source;
    }

    /// <summary>
    /// Reads a CSV file with a header, taking the text and label columns by name
    /// (<see cref="TextDataOptions.TextColumn"/>, <see cref="TextDataOptions.LabelColumn"/>), and tokenizes every row.
    /// </summary>
    /// <exception cref="TextDataException">
    /// The file is empty or has no data rows, a column is missing, a text or label is empty, or (with
    /// <see cref="TextDataOptions.Labels"/>) a label is not one of the known labels.
    /// </exception>
    public static TextClassificationData FromCsv(string path, TextTokenizer tokenizer, TextDataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new TextDataOptions();
        CheckOptions(options);
        return Build(CsvTextRows.Read(path, options), tokenizer, options, System.IO.Path.GetFileName(path), options.TextColumn, options.LabelColumn);
    }

    /// <summary>Tokenizes labelled texts held in memory; <paramref name="source"/> names them in error messages.</summary>
    public static TextClassificationData FromRows(IEnumerable<(string Text, string Label)> rows, TextTokenizer tokenizer, TextDataOptions? options = null, string source = "rows")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new TextDataOptions();
        CheckOptions(options);
        var read = rows.Select((r, i) => new TextRow(r.Text, r.Label, i + 1, null)).ToList();
        if (read.Count == 0)
            throw new TextDataException($"{source} holds no rows: expected at least one (text, label) pair.", source);
        return Build(read, tokenizer, options, source, "Text", "Label");
    }

    /// <summary>The tokenizer the rows were encoded with (and inference text must be).</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The label names and their indices, shared with the sets built with them.</summary>
    public LabelMap Labels { get; }

    /// <summary>The options the set was built with (<see cref="TextDataOptions.Labels"/> set to <see cref="Labels"/>).</summary>
    public TextDataOptions Options { get; }

    /// <summary>The file name, or the name given to in-memory rows.</summary>
    public string Source { get; }

    /// <summary>The maximum length of a row, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public int MaxLength => Options.MaxLength;

    /// <summary>The number of rows.</summary>
    public long Count => _store.Count;

    /// <summary>Lengths, truncation and label counts (computed once, on first use).</summary>
    public TextDataStatistics Statistics => _statistics ??= TextDataStatistics.Of(_store, MaxLength, Labels);

    /// <summary>The token ids of row <paramref name="row"/> (0-based), <c>[CLS]</c> … <c>[SEP]</c>.</summary>
    public IReadOnlyList<int> Ids(int row) => _store.Row(row).ToArray();

    /// <summary>The number of tokens of row <paramref name="row"/> (0-based).</summary>
    public int Length(int row) => _store.Length(row);

    /// <summary>The label index of row <paramref name="row"/> (0-based).</summary>
    public int Label(int row) => _store.Labels[row];

    (long Min, long Max)? IClassLabelSource.ClassLabelRange
        => _store.Count == 0 ? null : (_store.Labels.Min(), _store.Labels.Max());

    (long Row, long Label, string Name)? IClassLabelSource.FirstClassLabelOutside(long classes)
    {
        for (int row = 0; row < _store.Count; row++)
        {
            int label = _store.Labels[row];
            if (label < 0 || label >= classes) return (row, label, $"'{Labels[label]}'");
        }
        return null;
    }

    /// <summary>
    /// The batches of one pass. Each batch's tensors are made when it is reached, in the caller's dispose scope (the
    /// trainer's step scope); the data set keeps no tensor across batches, so nothing is left to dispose after a pass.
    /// Unshuffled passes keep the rows' order; shuffled ones follow <paramref name="generator"/> (the global generator
    /// when null), grouped by length when <see cref="TextDataOptions.GroupByLength"/> is set.
    /// </summary>
    public IEnumerable<(TextBatch Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        return Iterate(batchSize, shuffle, generator);
    }

    private IEnumerable<(TextBatch, Tensor)> Iterate(int batchSize, bool shuffle, Generator? generator)
    {
        // The plan is drawn lazily, on the first MoveNext, so that a pass started later draws from the generator then.
        foreach (var rows in BatchPlan.Make(_store, batchSize, shuffle, generator, Options.GroupByLength, Options.MegaBatchSize))
            yield return MakeBatch(rows);
    }

    private (TextBatch, Tensor) MakeBatch(int[] rows)
    {
        var features = Padding.Pad(new StoreRows(_store, rows), Tokenizer.PadId, Options.PadToMaxLength ? MaxLength : 0);
        var labels = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++) labels[i] = _store.Labels[rows[i]];
        return (features, torch.tensor(labels));
    }

    /// <summary>
    /// Real tokens over padded tokens for one pass at <paramref name="batchSize"/> (1.0 means no padding at all):
    /// what share of a step's compute reads text. Shuffled arrangements are drawn with a generator seeded with
    /// <paramref name="seed"/>, as a training pass would.
    /// </summary>
    public double PaddingEfficiency(int batchSize, BatchPadding padding, long seed = 0)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be at least 1.");
        if (_store.Count == 0) return 1;
        if (padding == BatchPadding.ToMaximum) return (double)_store.Tokens / ((long)_store.Count * MaxLength);
        using var generator = new Generator((ulong)seed);
        long padded = 0;
        foreach (var rows in BatchPlan.Make(_store, batchSize, shuffle: true, generator, padding == BatchPadding.DynamicGroupedByLength, Options.MegaBatchSize))
            padded += (long)rows.Length * rows.Max(_store.Length);
        return (double)_store.Tokens / padded;
    }

    /// <summary>
    /// Encodes texts for inference the way this set's rows were (same tokenizer and maximum length): one batch in the
    /// order given, padded to its longest row.
    /// </summary>
    public TextBatch Encode(IEnumerable<string> texts) => Tokenizer.EncodeBatch(texts, MaxLength);

    /// <summary>
    /// Takes validation rows out of this set, stratified: each label gives its share (rounded so the total is
    /// <c>round(validationFraction × Count)</c>), drawn at random with <paramref name="seed"/>. Both sets keep the rows'
    /// order, the tokenization (nothing is tokenized again) and <see cref="Labels"/>.
    /// </summary>
    public (TextClassificationData Train, TextClassificationData Validation) Split(double validationFraction, long seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be between 0 and 1 (exclusive).");
        return Split((int)Math.Round(validationFraction * _store.Count, MidpointRounding.AwayFromZero), seed);
    }

    /// <summary>Takes <paramref name="validationCount"/> validation rows out of this set, stratified as <see cref="Split(double, long)"/>.</summary>
    public (TextClassificationData Train, TextClassificationData Validation) Split(int validationCount, long seed)
    {
        if (validationCount < 1 || validationCount >= _store.Count)
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount,
                $"The validation set must take at least 1 row and leave at least 1 for training; this set has {_store.Count} rows.");

        var byLabel = Enumerable.Range(0, Labels.Count)
            .Select(l => Enumerable.Range(0, _store.Count).Where(r => _store.Labels[r] == l).ToArray()).ToArray();
        // Largest remainder: each label's exact share rounded down, the rows left over to the largest fractions, so the
        // shares add up to the count asked for.
        double scale = (double)validationCount / _store.Count;
        var take = byLabel.Select(rows => (int)Math.Floor(rows.Length * scale)).ToArray();
        foreach (int l in Enumerable.Range(0, Labels.Count)
                     .OrderByDescending(l => byLabel[l].Length * scale - take[l]).ThenBy(l => l)
                     .Take(validationCount - take.Sum()))
            take[l]++;

        using var generator = new Generator((ulong)seed);
        var validation = new HashSet<int>();
        for (int l = 0; l < Labels.Count; l++)
        {
            var permutation = BatchPlan.Permutation(byLabel[l].Length, generator);
            for (int i = 0; i < take[l]; i++) validation.Add(byLabel[l][permutation[i]]);
        }
        var trainRows = Enumerable.Range(0, _store.Count).Where(r => !validation.Contains(r)).ToArray();
        var validationRows = Enumerable.Range(0, _store.Count).Where(validation.Contains).ToArray();
        return (Subset(trainRows, $"{Source} (train split)"), Subset(validationRows, $"{Source} (validation split)"));
    }

    /// <summary>The first <paramref name="count"/> rows (all of them when there are fewer), for quick samples and tests.</summary>
    public TextClassificationData Take(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Take at least 1 row.");
        return Subset(Enumerable.Range(0, Math.Min(count, _store.Count)).ToArray(), $"{Source} (first {count})");
    }

    /// <summary>The given rows (0-based, in the order given), sharing the tokenizer and labels.</summary>
    public TextClassificationData Subset(IEnumerable<int> rows, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToArray();
        if (list.Length == 0) throw new ArgumentException("A subset needs at least one row.", nameof(rows));
        foreach (int r in list)
            if (r < 0 || r >= _store.Count)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside this set's {_store.Count} rows (0-based).");
        return new TextClassificationData(_store.Subset(list), Tokenizer, Labels, Options, source ?? $"{Source} (subset)");
    }

    /// <summary>The same rows batched with other options (length grouping on or off, another mega-batch size).</summary>
    public TextClassificationData WithBatching(bool groupByLength, int megaBatchSize = 50)
    {
        if (megaBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(megaBatchSize), megaBatchSize, "A mega-batch holds at least 1 batch.");
        return new TextClassificationData(_store, Tokenizer, Labels, Options with { GroupByLength = groupByLength, MegaBatchSize = megaBatchSize }, Source);
    }

    public override string ToString() => $"{Source}: {Statistics}";

    private static void CheckOptions(TextDataOptions options)
    {
        TextTokenizer.CheckMaxLength(options.MaxLength, nameof(TextDataOptions.MaxLength));
        if (options.MaxPositions is int positions && options.MaxLength > positions)
            throw new ArgumentOutOfRangeException(nameof(TextDataOptions.MaxLength), options.MaxLength,
                $"The maximum length {options.MaxLength} is more than the model's {positions} positions; use at most {positions}.");
        if (options.MegaBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(TextDataOptions.MegaBatchSize), options.MegaBatchSize, "A mega-batch holds at least 1 batch.");
    }

    private static TextClassificationData Build(List<TextRow> rows, TextTokenizer tokenizer, TextDataOptions options, string source, string textColumn, string labelColumn)
    {
        // Check every row before tokenizing any: a bad row late in a large file fails in milliseconds, not after minutes.
        var labels = new string[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (string.IsNullOrWhiteSpace(row.Text))
                throw new TextDataException(
                    $"{row.Where(source)}, column '{textColumn}': the text is {(row.Text is null ? "missing" : row.Text.Length == 0 ? "empty" : "only whitespace")}; expected text to classify.",
                    source, row.Row, row.Line, textColumn);
            if (string.IsNullOrWhiteSpace(row.Label))
                throw new TextDataException(
                    $"{row.Where(source)}, column '{labelColumn}': the label is {(row.Label is null ? "missing" : "empty")}; expected a class name{(options.Labels is null ? "" : $" (one of {options.Labels.Describe()})")}.",
                    source, row.Row, row.Line, labelColumn);
            // Labels are names, not text: spaces around them (" great") are formatting, so they are trimmed.
            labels[i] = row.Label.Trim();
        }

        var map = options.Labels ?? LabelMap.FromLabels(labels);
        var indices = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
            if (!map.TryGetIndex(labels[i], out indices[i]))
                throw new TextDataException(
                    $"{rows[i].Where(source)}, column '{labelColumn}': the label '{labels[i]}' is not one of the known labels {map.Describe()} (from the training set); "
                    + "a model cannot learn or be scored on a class it never saw in training.",
                    source, rows[i].Row, rows[i].Line, labelColumn);

        var ids = new int[rows.Count][];
        var fullLengths = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var encoded = tokenizer.Encode(rows[i].Text!, options.MaxLength);
            ids[i] = (int[])encoded.Ids;
            fullLengths[i] = encoded.FullLength;
        }
        var data = new TextClassificationData(TokenStore.Build(ids, fullLengths, indices), tokenizer, map, options, source);
        TextDataLog.Warnings(options.Logger, source, data.Statistics);
        return data;
    }
}
