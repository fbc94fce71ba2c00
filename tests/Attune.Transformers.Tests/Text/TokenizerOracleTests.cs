using CsvHelper;

namespace Attune.Transformers.Tests.Text;

/// <summary>
/// TextTokenizer against FastBertTokenizer, an independent implementation of Hugging Face's BERT tokenization, on
/// every real review: the glue around Microsoft.ML.Tokenizers (the basic split, casing, accents) must give the ids the
/// model was trained to read.
/// </summary>
public class TokenizerOracleTests
{
    [Fact]
    public void EveryReviewGetsTheSameIdsAsAnIndependentBertTokenizer()
    {
        var oracle = new FastBertTokenizer.BertTokenizer();
        using (var vocabulary = new StreamReader(ModelPackage.MiniLM().OpenResource("vocab.txt")))
            oracle.LoadVocabulary(vocabulary, convertInputToLowercase: true);
        var tokenizer = TextFixtures.Tokenizer;

        var mismatches = new List<string>();
        int rows = 0;
        foreach (var file in new[] { "fine_foods_train.csv", "fine_foods_test.csv" })
        {
            using var reader = CsvReader.FromFile(TextFixtures.ReviewFile(file), CsvReaderOptions.Default with { Separator = ',' });
            int column = reader.GetFieldIndex("review");
            while (reader.Read())
            {
                string review = reader.GetString(column);
                rows++;
                var expected = oracle.Encode(review, maximumTokens: 4096).InputIds.ToArray().Select(i => (int)i).ToArray();
                var actual = tokenizer.Encode(review, 4096).Ids;
                if (!expected.SequenceEqual(actual) && mismatches.Count < 5)
                    mismatches.Add($"{file} row {reader.RowNumber}: {Diff(expected, actual.ToArray(), tokenizer)}");
            }
        }
        Assert.Equal(5000, rows);
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("Price: $5.99 <3 (per bag) -- 100% \"worth\" it; a_b + c = d | ~e ^f `g`")]
    [InlineData("Café, naïve résumé, Ärger, façade")]
    [InlineData("emoji 😀 and a snowman ☃, arrows →, a degree 5°C, fractions ½")]
    [InlineData("日本語のテキスト and 中文")]
    [InlineData("tab\tnew\nline\r\nnon-breaking\u00A0space")]
    [InlineData("zero\u200Bwidth and control\u0007char")]
    [InlineData("SHOUTING and MiXeD CaSe")]
    [InlineData("supercalifragilisticexpialidocious antidisestablishmentarianism")]
    public void EdgeCasesGetTheSameIdsAsAnIndependentBertTokenizer(string text)
    {
        var oracle = new FastBertTokenizer.BertTokenizer();
        using (var vocabulary = new StreamReader(ModelPackage.MiniLM().OpenResource("vocab.txt")))
            oracle.LoadVocabulary(vocabulary, convertInputToLowercase: true);
        var expected = oracle.Encode(text, maximumTokens: 512).InputIds.ToArray().Select(i => (int)i).ToArray();
        var actual = TextFixtures.Tokenizer.Encode(text, 512).Ids.ToArray();
        Assert.True(expected.SequenceEqual(actual), Diff(expected, actual, TextFixtures.Tokenizer));
    }

    private static string Diff(int[] expected, int[] actual, TextTokenizer tokenizer)
    {
        int at = 0;
        while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at]) at++;
        string Near(int[] ids) => tokenizer.Decode(ids.Skip(Math.Max(0, at - 3)).Take(8)) + $" [{string.Join(",", ids.Skip(Math.Max(0, at - 3)).Take(8))}]";
        return $"first difference at token {at}: expected {Near(expected)}, got {Near(actual)}";
    }
}
