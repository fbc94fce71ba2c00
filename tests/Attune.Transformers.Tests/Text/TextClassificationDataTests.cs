using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers.Tests.Text;

/// <summary>Reading, tokenizing once, dynamic padding, length grouping, splitting and tensor ownership.</summary>
public class TextClassificationDataTests
{
    [Fact]
    public void TheReviewFilesReadWithTheirRowsAndLabels()
    {
        var train = TextFixtures.Train128;
        Assert.Equal(4000, train.Count);
        Assert.Equal(new[] { "great", "other" }, train.Labels.Names);
        Assert.Equal(2600, train.Statistics.RowsPerLabel["great"]);
        Assert.Equal(1400, train.Statistics.RowsPerLabel["other"]);

        var test = TextFixtures.Reviews("fine_foods_test.csv", 128, train.Labels);
        Assert.Equal(1000, test.Count);
        Assert.Same(train.Labels, test.Labels);
        Assert.Equal(658, test.Statistics.RowsPerLabel["great"]);
        Assert.Equal(342, test.Statistics.RowsPerLabel["other"]);
    }

    [Fact]
    public void AQuotedReviewWithCommasAndEmbeddedQuotesIsReadWhole()
    {
        // Data row 3435 of fine_foods_train.csv (0-based 3434), written there as "...party, and ... not ""pop""."
        const string review = "I bought this item for my 1970s party, and had to return them.  They were stale and did not \"pop\".";
        var train = TextFixtures.Train128;
        Assert.Equal(TextFixtures.ReviewTokenizer.Encode(review, 128).Ids, train.Ids(3434));
        Assert.Equal(train.Labels.IndexOf("other"), train.Label(3434));
    }

    [Fact]
    public void CsvFieldsWithQuotesCommasAndLineBreaksKeepTheirText()
    {
        var path = TextFixtures.WriteCsv(
            "id,label,text\n"
            + "1,pos,\"Good, really \"\"good\"\" stuff\"\n"
            + "2,neg,\"two\nlines\"\n"
            + "3,pos,plain text\n");
        var data = TextClassificationData.FromCsv(path, TextFixtures.Tokenizer);
        var tokenizer = TextFixtures.Tokenizer;
        Assert.Equal(3, data.Count);
        Assert.Equal(tokenizer.Encode("Good, really \"good\" stuff", 128).Ids, data.Ids(0));
        Assert.Equal(tokenizer.Encode("two\nlines", 128).Ids, data.Ids(1));
        Assert.Equal(tokenizer.Encode("plain text", 128).Ids, data.Ids(2));
        // Sorted order: neg 0, pos 1.
        Assert.Equal(new[] { 1, 0, 1 }, Enumerable.Range(0, 3).Select(data.Label));
    }

    [Fact]
    public void RowsLongerThanTheMaximumAreTruncatedCountedAndWarnedAbout()
    {
        var rows = new[]
        {
            ("The movie was surprisingly good, I loved the acting!", "a"), // 13 tokens
            ("good", "b"),                                                  // 3
            ("The movie was surprisingly good", "a"),                       // 7
        };
        var data = TextClassificationData.FromRows(rows, TextFixtures.Tokenizer, new TextDataOptions { MaxLength = 8 });
        Assert.Equal(8, data.Length(0));
        Assert.Equal(101, data.Ids(0)[0]);
        Assert.Equal(102, data.Ids(0)[^1]);
        Assert.Equal(3, data.Length(1));
        Assert.Equal(7, data.Length(2));

        var stats = data.Statistics;
        Assert.Equal(1, stats.TruncatedRows);
        Assert.Equal(13, stats.LongestFullRow);
        Assert.Equal(8, stats.LongestRow);
        Assert.Equal(18, stats.Tokens);
        var warning = Assert.Single(stats.Warnings);
        Assert.Contains("1 of 3 rows", warning);
        Assert.Contains("maximum length 8", warning);
        Assert.Contains("13 tokens", warning);

        // Also logged when the set is built, when a logger is given.
        var logger = new CapturingLogger();
        TextClassificationData.FromRows(rows, TextFixtures.Tokenizer, new TextDataOptions { MaxLength = 8, Logger = logger }, source: "three rows");
        var (level, message) = Assert.Single(logger.Lines);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.Equal("three rows: " + warning, message);
        TextClassificationData.FromRows(rows, TextFixtures.Tokenizer, new TextDataOptions { MaxLength = 16, Logger = logger });
        Assert.Single(logger.Lines);
    }

    private sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<(Microsoft.Extensions.Logging.LogLevel, string)> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add((logLevel, formatter(state, exception)));
    }

    [Fact]
    public void PadToMaxLengthMakesEveryBatchMaxLengthWideWithTheMaskOnTheRealTokensOnly()
    {
        // Rows of 3..62 tokens at max length 64: no batch's own longest row reaches 64, so every width below is the option's.
        var data = TextFixtures.NumberedRows(40, new TextDataOptions { MaxLength = 64, PadToMaxLength = true });
        int batches = 0;
        foreach (var (batch, labels) in data.Batches(16, shuffle: true, new Generator(7)))
        {
            using (batch.InputIds) using (batch.AttentionMask) using (labels)
            {
                batches++;
                Assert.Equal(new[] { batch.Rows, 64L }, batch.InputIds.shape);
                Assert.Equal(new[] { batch.Rows, 64L }, batch.AttentionMask.shape);
                var rows = labels.data<long>().Select(l => (int)l).ToArray(); // label i is row i
                Assert.True(rows.Max(data.Length) < 64);
                var ids = batch.InputIds.data<long>().ToArray();
                var mask = batch.AttentionMask.data<long>().ToArray();
                for (int r = 0; r < rows.Length; r++)
                {
                    var expected = data.Ids(rows[r]);
                    for (int t = 0; t < 64; t++)
                    {
                        Assert.Equal(t < expected.Count ? expected[t] : 0, ids[r * 64 + t]);
                        Assert.Equal(t < expected.Count ? 1 : 0, mask[r * 64 + t]);
                    }
                }
            }
        }
        Assert.Equal(3, batches); // 16 + 16 + 8
    }

    [Fact]
    public void EachBatchIsPaddedToItsOwnLongestRowWithAMaskOfItsRealTokens()
    {
        var data = TextFixtures.NumberedRows(100);
        var widths = new List<long>();
        var seen = new List<int>();
        foreach (var (batch, labels) in data.Batches(16, shuffle: true, new Generator(7)))
        {
            using (batch.InputIds) using (batch.AttentionMask) using (labels)
            {
                Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
                Assert.Equal(ScalarType.Int64, batch.AttentionMask.dtype);
                Assert.Equal(ScalarType.Int64, labels.dtype);
                Assert.Equal(new[] { batch.Rows }, labels.shape);
                var rows = labels.data<long>().Select(l => (int)l).ToArray(); // label i is row i
                Assert.Equal(rows.Max(data.Length), batch.Length);
                widths.Add(batch.Length);
                var ids = batch.InputIds.data<long>().ToArray();
                var mask = batch.AttentionMask.data<long>().ToArray();
                for (int r = 0; r < rows.Length; r++)
                {
                    var expected = data.Ids(rows[r]);
                    for (int t = 0; t < batch.Length; t++)
                    {
                        long at = r * batch.Length + t;
                        if (t < expected.Count)
                        {
                            Assert.Equal(expected[t], ids[at]);
                            Assert.Equal(1, mask[at]);
                        }
                        else
                        {
                            Assert.Equal(0, ids[at]);
                            Assert.Equal(0, mask[at]);
                        }
                    }
                }
                Assert.Equal(rows.Select(r => (long)data.Length(r)), batch.AttentionMask.sum(1).data<long>().ToArray());
                seen.AddRange(rows);
            }
        }
        Assert.Equal(Enumerable.Range(0, 100), seen.Order());
        Assert.Equal(7, widths.Count);
        Assert.True(widths.Distinct().Count() > 1, $"every batch had the same width {widths[0]}: padded to a fixed length?");
        Assert.All(widths, w => Assert.True(w < 64));
    }

    [Fact]
    public void AnUnshuffledPassKeepsTheRowsOrderAndOnlyTheLastBatchIsShort()
    {
        var data = TextFixtures.NumberedRows(50);
        var batches = data.Batches(16, shuffle: false, null).Select(b => Labels(b.Labels)).ToList();
        Assert.Equal(new[] { 16, 16, 16, 2 }, batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 50), batches.SelectMany(b => b));
    }

    [Fact]
    public void LengthGroupedBatchesHoldRowsOfSimilarLengthAndEveryRowOnce()
    {
        var plain = TextFixtures.NumberedRows(600);
        var grouped = plain.WithBatching(groupByLength: true, megaBatchSize: 10);

        List<int[]> Pass(TextClassificationData d, ulong seed) => d.Batches(16, true, new Generator(seed)).Select(b =>
        {
            b.Features.InputIds.Dispose();
            b.Features.AttentionMask.Dispose();
            return Labels(b.Labels);
        }).ToList();
        double Spread(List<int[]> batches) => batches.Average(b => b.Max(plain.Length) - b.Min(plain.Length));

        var a = Pass(grouped, 1);
        Assert.Equal(Enumerable.Range(0, 600), a.SelectMany(b => b).Order());
        Assert.All(a.Take(a.Count - 1), b => Assert.Equal(16, b.Length));
        Assert.Equal(600 % 16, a[^1].Length);
        // Lengths spread over 3..62 tokens: random batches span most of it, grouped ones a few tokens.
        double groupedSpread = Spread(a), plainSpread = Spread(Pass(plain, 1));
        Assert.True(groupedSpread * 5 < plainSpread, $"grouped batches spread {groupedSpread:F1} tokens, shuffled ones {plainSpread:F1}");

        // Deterministic for a seed, different for another; the batch order itself is random, not long-to-short.
        Assert.Equal(a, Pass(grouped, 1));
        Assert.NotEqual(a.Select(b => b[0]), Pass(grouped, 2).Select(b => b[0]));
        var firstRowLengths = a.Take(a.Count - 1).Select(b => plain.Length(b[0])).ToList();
        Assert.NotEqual(firstRowLengths.OrderByDescending(l => l), firstRowLengths);
        // Except the first: the batch with the longest row leads, so a step too wide for memory fails at once.
        Assert.Equal(Enumerable.Range(0, 600).Max(plain.Length), plain.Length(a[0][0]));
    }

    [Fact]
    public void LengthGroupingPacksTheRealReviewsTighterThanShuffling()
    {
        var train = TextFixtures.Train128;
        double toMax = train.PaddingEfficiency(16, BatchPadding.ToMaximum);
        double dynamic = train.PaddingEfficiency(16, BatchPadding.Dynamic, seed: 3);
        double grouped = train.PaddingEfficiency(16, BatchPadding.DynamicGroupedByLength, seed: 3);
        // At 128, a fifth of the reviews are cut to the maximum, so nearly every random batch of 16 holds one and is
        // as wide as the maximum: dynamic padding alone gains little here; grouping is what packs the batches.
        Assert.True(toMax <= dynamic, $"padding to the maximum {toMax:P1}, dynamic {dynamic:P1}");
        Assert.True(dynamic + 0.1 < grouped, $"dynamic {dynamic:P1}, grouped {grouped:P1}");
        Assert.True(grouped > 0.9, $"grouped {grouped:P1}");
        // Padding to the maximum is exactly real tokens over rows × maximum.
        Assert.Equal((double)train.Statistics.Tokens / (4000 * 128), toMax, 12);
    }

    [Fact]
    public void TextIsTokenizedOnceWhenTheSetIsBuiltNotPerPass()
    {
        var tokenizer = TextTokenizer.FromPackage(ModelPackage.MiniLM());
        var data = TextClassificationData.FromRows(
            Enumerable.Range(0, 40).Select(i => ($"review number {i} was fine", i % 3 == 0 ? "great" : "other")), tokenizer);
        Assert.Equal(40, tokenizer.EncodedTexts);
        for (int pass = 0; pass < 3; pass++)
            foreach (var (batch, labels) in data.WithBatching(groupByLength: pass == 2).Batches(8, shuffle: pass > 0, new Generator(1)))
            {
                batch.InputIds.Dispose();
                batch.AttentionMask.Dispose();
                labels.Dispose();
            }
        var (train, validation) = data.Split(0.25, seed: 1);
        _ = train.Take(5);
        Assert.Equal(40, tokenizer.EncodedTexts);
    }

    [Fact]
    public void APassLeavesNoTensorAliveWhenEachStepDisposesItsScope()
    {
        var data = TextFixtures.NumberedRows(100).WithBatching(groupByLength: true, megaBatchSize: 2);
        var stats = DisposeScopeManager.Statistics;
        long before = stats.ThreadTotalLiveCount;
        int steps = 0;
        // As the trainer does: MoveNext inside each step's dispose scope, so anything the source makes lazily lands there.
        using (var batches = data.Batches(16, shuffle: true, new Generator(5)).GetEnumerator())
        {
            while (true)
            {
                using var step = torch.NewDisposeScope();
                if (!batches.MoveNext()) break;
                var (features, labels) = batches.Current;
                using var loss = (features.InputIds * features.AttentionMask).sum() + labels.sum();
                Assert.True(loss.item<long>() > 0);
                Assert.True(stats.ThreadTotalLiveCount > before);
                steps++;
            }
        }
        Assert.Equal(7, steps);
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void ABatchsTensorsAreTheCallersToDisposeAndNothingElseIsKept()
    {
        var data = TextFixtures.NumberedRows(40);
        var stats = DisposeScopeManager.Statistics;
        long before = stats.ThreadTotalLiveCount;
        foreach (var (features, labels) in data.Batches(16, shuffle: true, new Generator(2)))
        {
            Assert.Equal(before + 3, stats.ThreadTotalLiveCount); // ids, mask, labels: no permutation left behind
            features.InputIds.Dispose();
            features.AttentionMask.Dispose();
            labels.Dispose();
        }
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void SplitTakesAStratifiedSeededValidationSetWithoutTokenizingAgain()
    {
        var all = TextFixtures.Train128;
        var (train, validation) = all.Split(0.1, seed: 11);
        Assert.Equal(3600, train.Count);
        Assert.Equal(400, validation.Count);
        Assert.Equal(260, validation.Statistics.RowsPerLabel["great"]);
        Assert.Equal(140, validation.Statistics.RowsPerLabel["other"]);
        Assert.Same(all.Labels, train.Labels);
        Assert.Same(all.Labels, validation.Labels);
        Assert.Equal(all.Statistics.Tokens, train.Statistics.Tokens + validation.Statistics.Tokens);

        var again = all.Split(0.1, seed: 11).Validation;
        var other = all.Split(0.1, seed: 12).Validation;
        var rowsOf = (TextClassificationData d) => Enumerable.Range(0, (int)d.Count).Select(r => string.Join(",", d.Ids(r))).ToList();
        Assert.Equal(rowsOf(validation), rowsOf(again));
        Assert.NotEqual(rowsOf(validation), rowsOf(other));

        var (_, five) = all.Split(5, seed: 1);
        Assert.Equal(5, five.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => all.Split(0.0, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => all.Split(4000, seed: 1));
    }

    [Fact]
    public void TakeKeepsTheFirstRows()
    {
        var all = TextFixtures.Train128;
        var first = all.Take(10);
        Assert.Equal(10, first.Count);
        Assert.Equal(all.Ids(9), first.Ids(9));
        Assert.Equal(all.Label(9), first.Label(9));
    }

    [Fact]
    public void InferenceTextIsEncodedLikeTheTrainingRows()
    {
        var train = TextFixtures.Train128;
        var batch = train.Encode(new[] { "Great.<br />Would buy again", "fine" });
        using (batch.InputIds) using (batch.AttentionMask)
        {
            Assert.Equal(new long[] { 101, 2307, 1012, 2052, 4965, 2153, 102 }, batch.InputIds[0].data<long>().ToArray());
            Assert.Equal(new long[] { 7, 3 }, batch.AttentionMask.sum(1).data<long>().ToArray());
        }
    }

    private static int[] Labels(Tensor labels)
    {
        using (labels) return labels.data<long>().Select(l => (int)l).ToArray();
    }
}
