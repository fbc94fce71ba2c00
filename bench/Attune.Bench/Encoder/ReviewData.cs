using System.Text;
using Attune.Transformers;
using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench.Encoder;

/// <summary>
/// STOPGAP, benchmark only, until src/Transformers/Text (TextTokenizer, TextClassificationData) is on main: the review
/// rows tokenized once with Microsoft.ML.Tokenizers' BertTokenizer over the package's vocab.txt ([CLS] … [SEP],
/// truncated to <see cref="MaxLength"/> keeping [SEP]; "&lt;br /&gt;" replaced by a space), labels great = 1, other = 0
/// (sorted names), served as <see cref="TextBatch"/>es padded to the batch's longest row (dynamic) or to
/// <see cref="MaxLength"/> (fixed). Shuffled with randperm on the given generator, like the library's sources.
/// </summary>
internal sealed class ReviewData : IBatchSource<TextBatch>
{
    private readonly int[][] _ids;
    private readonly long[] _labels;

    private ReviewData(int[][] ids, long[] labels, int maxLength, bool padToMax)
    {
        _ids = ids; _labels = labels; MaxLength = maxLength; PadToMax = padToMax;
    }

    public int MaxLength { get; }
    public bool PadToMax { get; }
    public long Count => _ids.Length;
    public int Length(int row) => _ids[row].Length;
    public long RealTokens => _ids.Sum(r => (long)r.Length);

    public static ReviewData Load(string csvPath, Stream vocab, int maxLength, int? take = null)
    {
        var tokenizer = BertTokenizer.Create(vocab);
        int sep = tokenizer.SeparatorTokenId;
        var ids = new List<int[]>(); var labels = new List<long>();
        foreach (var (review, score) in ReadCsv(csvPath))
        {
            var text = review.Replace("<br />", " ", StringComparison.Ordinal);
            var row = tokenizer.EncodeToIds(text).ToArray();
            if (row.Length > maxLength) { row = row[..maxLength]; row[^1] = sep; }
            ids.Add(row);
            labels.Add(score == "great" ? 1 : 0);
            if (take is { } t && ids.Count >= t) break;
        }
        return new ReviewData(ids.ToArray(), labels.ToArray(), maxLength, padToMax: false);
    }

    public ReviewData WithPadding(bool padToMax) => new(_ids, _labels, MaxLength, padToMax);
    public ReviewData Rows(int start, int count) => new(_ids[start..(start + count)], _labels[start..(start + count)], MaxLength, PadToMax);

    public IEnumerable<(TextBatch Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        long n = Count;
        long[] order;
        if (shuffle)
        {
            using var p = torch.randperm(n, generator: generator);
            order = p.data<long>().ToArray();
        }
        else order = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        for (long start = 0; start < n; start += batchSize)
        {
            int rows = (int)Math.Min(batchSize, n - start);
            yield return Make(order.AsSpan((int)start, rows));
        }
    }

    public (TextBatch Features, Tensor Labels) Make(ReadOnlySpan<long> rows)
    {
        int length = PadToMax ? MaxLength : 0;
        if (!PadToMax) foreach (var r in rows) length = Math.Max(length, _ids[r].Length);
        var ids = new long[rows.Length * length];
        var mask = new long[rows.Length * length];
        var labels = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = _ids[rows[i]];
            for (int j = 0; j < row.Length; j++) { ids[i * length + j] = row[j]; mask[i * length + j] = 1; }
            labels[i] = _labels[rows[i]];
        }
        return (new TextBatch(torch.tensor(ids, new long[] { rows.Length, length }), torch.tensor(mask, new long[] { rows.Length, length })),
            torch.tensor(labels));
    }

    /// <summary>RFC 4180 rows of product,review,score (quoted fields, doubled quotes, newlines inside quotes).</summary>
    private static IEnumerable<(string Review, string Score)> ReadCsv(string path)
    {
        var text = File.ReadAllText(path);
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, header = true;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : '\n';
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString()); field.Clear();
                if (fields.Count == 3)
                {
                    if (header) header = false;
                    else yield return (fields[1], fields[2]);
                }
                else if (!(fields.Count == 1 && fields[0].Length == 0))
                    throw new InvalidDataException($"{path}: expected 3 fields (product,review,score), found {fields.Count}.");
                fields.Clear();
            }
            else field.Append(c);
        }
    }
}
