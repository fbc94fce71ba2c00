namespace Attune.Transformers.Tests.Text;

/// <summary>WordPiece ids from the real all-MiniLM-L6-v2 vocabulary, hand-checked against its vocab.txt lines.</summary>
public class TextTokenizerTests
{
    private static TextTokenizer Tokenizer => TextFixtures.Tokenizer;

    [Fact]
    public void TheReferenceSentenceGivesTheIdsOfTheModelsVocabulary()
    {
        var encoded = Tokenizer.Encode("The movie was surprisingly good, I loved the acting!", maxLength: 128);
        Assert.Equal(new[] { 101, 1996, 3185, 2001, 10889, 2204, 1010, 1045, 3866, 1996, 3772, 999, 102 }, encoded.Ids);
        Assert.False(encoded.Truncated);
        Assert.Equal(13, encoded.FullLength);
    }

    [Fact]
    public void TheVocabularyIsUncasedSoTextIsLowerCasedAndAccentsStripped()
    {
        Assert.True(Tokenizer.LowerCase);
        Assert.Equal(30_522, Tokenizer.VocabularySize);
        // hello 7592, world 2088, ! 999: "WORLD" and "Héllo" find the lower-case, accent-free pieces.
        Assert.Equal(new[] { 101, 7592, 2088, 999, 102 }, Tokenizer.Encode("Héllo WORLD!", 16).Ids);
        // café -> cafe 7668, naïve -> naive 15743
        Assert.Equal(new[] { 101, 7668, 15743, 102 }, Tokenizer.Encode("Café naïve", 16).Ids);
    }

    [Fact]
    public void PunctuationSplitsAndWordsBreakIntoPieces()
    {
        // don 2123, ' 1005, t 1056, token 19204, ##ization 3989, ? 1029, $ 1002, 5 1019, . 1012
        Assert.Equal(new[] { 101, 2123, 1005, 1056, 19204, 3989, 1029, 1002, 1019, 1012, 102 },
            Tokenizer.Encode("Don't tokenization? $5.", 32).Ids);
    }

    [Fact]
    public void ACharacterWithNoPieceIsUnknown()
    {
        Assert.Equal(100, Tokenizer.UnknownId);
        Assert.Equal(new[] { 101, 7592, 100, 102 }, Tokenizer.Encode("hello ☃", 16).Ids);
    }

    [Fact]
    public void LineBreaksAndTabsSeparateWordsAndInvisibleCharactersAreDropped()
    {
        // tab 21628, new 2047, line 2240: as Hugging Face's BERT cleans text (Microsoft.ML.Tokenizers alone glues them).
        Assert.Equal(new[] { 101, 21628, 2047, 2240, 102 }, Tokenizer.Encode("tab\tnew\r\nline", 16).Ids);
        // A zero-width space inside a word is removed, not an unknown word: zero 5717 ##width 9148 ... as "zerowidth".
        Assert.Equal(Tokenizer.Encode("zerowidth", 16).Ids, Tokenizer.Encode("zero\u200Bwidth", 16).Ids);
    }

    [Fact]
    public void SpecialTokenNamesInsideTextAreReadAsText()
    {
        // [ 1031, sep 19802, ] 1033: a review cannot inject a separator (102) into its row.
        Assert.Equal(new[] { 101, 2204, 1031, 19802, 1033, 2919, 102 }, Tokenizer.Encode("good [SEP] bad", 16).Ids);
    }

    [Fact]
    public void TheSpecialIdsAreThoseOfTheVocabulary()
    {
        Assert.Equal(0, Tokenizer.PadId);
        Assert.Equal(101, Tokenizer.ClsId);
        Assert.Equal(102, Tokenizer.SepId);
        Assert.Equal("[CLS] hello [SEP]", Tokenizer.Decode(new[] { 101, 7592, 102 }));
    }

    [Fact]
    public void TruncationKeepsClsFirstAndSepLastAtExactlyTheMaximum()
    {
        var full = Tokenizer.Encode("The movie was surprisingly good, I loved the acting!", 128);
        var cut = Tokenizer.Encode("The movie was surprisingly good, I loved the acting!", 6);
        Assert.Equal(6, cut.Ids.Count);
        Assert.Equal(new[] { 101, 1996, 3185, 2001, 10889, 102 }, cut.Ids);
        Assert.True(cut.Truncated);
        Assert.Equal(full.Ids.Count, cut.FullLength);

        // A text of exactly the maximum is not truncated; one piece more is.
        Assert.False(Tokenizer.Encode("The movie was surprisingly good, I loved the acting!", 13).Truncated);
        Assert.True(Tokenizer.Encode("The movie was surprisingly good, I loved the acting!", 12).Truncated);
        // The smallest maximum holds only [CLS] [SEP].
        Assert.Equal(new[] { 101, 102 }, Tokenizer.Encode("good", 2).Ids);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public void AMaximumBelowTwoCannotHoldClsAndSep(int maxLength)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Encode("good", maxLength));
        Assert.Contains("at least 2", ex.Message);
        Assert.Contains("[CLS] and [SEP]", ex.Message);
        Assert.Contains($"found {maxLength}", ex.Message);
    }

    [Fact]
    public void HtmlLineBreaksAreRemovedOnlyWhenAskedFor()
    {
        const string text = "Great.<br /><br />Buy it<BR>";
        // < 1026, br 7987, / 1013, > 1028: four pieces per break when kept
        Assert.Equal(new[] { 101, 2307, 1012, 1026, 7987, 1013, 1028, 1026, 7987, 1013, 1028, 4965, 2009, 1026, 7987, 1028, 102 },
            Tokenizer.Encode(text, 64).Ids);
        Assert.Equal(new[] { 101, 2307, 1012, 4965, 2009, 102 }, TextFixtures.ReviewTokenizer.Encode(text, 64).Ids);
    }

    [Fact]
    public void CasingCanBeForcedAgainstTheVocabulary()
    {
        using var vocabulary = ModelPackage.MiniLM().OpenResource("vocab.txt");
        var cased = TextTokenizer.FromVocabulary(vocabulary, new TextTokenizerOptions { LowerCase = false });
        Assert.False(cased.LowerCase);
        // "Hello" has no piece in an uncased vocabulary: it is unknown, where the lower-cased text was 7592.
        Assert.Equal(new[] { 101, 100, 102 }, cased.Encode("Hello", 16).Ids);
    }

    [Fact]
    public void InferenceBatchesArePaddedToTheirLongestText()
    {
        var batch = Tokenizer.EncodeBatch(new[] { "hello", "The movie was surprisingly good, I loved the acting!" }, 128);
        using (batch.InputIds)
        using (batch.AttentionMask)
        {
            Assert.Equal(new long[] { 2, 13 }, batch.InputIds.shape);
            Assert.Equal(new long[] { 101, 7592, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, batch.InputIds[0].data<long>().ToArray());
            Assert.Equal(new long[] { 3, 13 }, batch.AttentionMask.sum(1).data<long>().ToArray());
            Assert.Null(batch.TokenTypeIds);
        }
        var ex = Assert.Throws<ArgumentException>(() => Tokenizer.EncodeBatch(new[] { "fine", "  " }, 128));
        Assert.Contains("Text 1", ex.Message);
        Assert.Contains("empty or only whitespace", ex.Message);
    }
}
