namespace Attune.Transformers.Tests.Text;

/// <summary>Bad input fails when the set is built, saying what was expected, what was found and where.</summary>
public class TextDataErrorTests
{
    private static TextTokenizer Tokenizer => TextFixtures.Tokenizer;

    [Fact]
    public void AnEmptyTextNamesItsFileLineRowAndColumn()
    {
        // The quoted line break in row 1 makes row 3 start on line 5, not 4.
        var path = TextFixtures.WriteCsv("text,label\n\"first\nline\",pos\nsecond,neg\n\"   \",pos\nlast,neg\n");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains($"{Path.GetFileName(path)} line 5 (data row 3), column 'text'", ex.Message);
        Assert.Contains("only whitespace", ex.Message);
        Assert.Equal((3, 5, "text"), (ex.Row!.Value, ex.Line!.Value, ex.Column));
    }

    [Fact]
    public void AnEmptyTextInMemoryNamesItsRow()
    {
        var ex = Assert.Throws<TextDataException>(() =>
            TextClassificationData.FromRows(new[] { ("fine", "a"), ("", "b") }, Tokenizer, source: "my rows"));
        Assert.Contains("my rows, row 2 (1-based), column 'Text': the text is empty", ex.Message);
        Assert.Equal(2, ex.Row);
    }

    [Fact]
    public void AnEmptyLabelIsAnError()
    {
        var path = TextFixtures.WriteCsv("text,label\ngood,pos\nbad,\n");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains("line 3 (data row 2), column 'label': the label is empty", ex.Message);
    }

    [Fact]
    public void AValidationLabelNotSeenInTrainingNamesTheLabelTheRowAndTheKnownLabels()
    {
        var train = TextClassificationData.FromRows(new[] { ("good", "great"), ("bad", "other") }, Tokenizer);
        var path = TextFixtures.WriteCsv("text,label\nnice,great\nawful,terrible\n");
        var ex = Assert.Throws<TextDataException>(() =>
            TextClassificationData.FromCsv(path, Tokenizer, new TextDataOptions { Labels = train.Labels }));
        Assert.Contains("line 3 (data row 2), column 'label': the label 'terrible' is not one of the known labels 'great' (0), 'other' (1)", ex.Message);
        Assert.Equal(2, ex.Row);
    }

    [Fact]
    public void AMissingColumnNamesTheColumnsFound()
    {
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(
            TextFixtures.ReviewFile("fine_foods_train.csv"), Tokenizer, new TextDataOptions { TextColumn = "review", LabelColumn = "label" }));
        Assert.Contains("no column 'label' (the label column)", ex.Message);
        Assert.Contains("3 column(s): 'product', 'review', 'score'", ex.Message);
        Assert.Contains("LabelColumn", ex.Message);
        Assert.Equal("label", ex.Column);
    }

    [Fact]
    public void AnEmptyFileIsAnError()
    {
        var path = TextFixtures.WriteCsv("");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains($"{path} is empty", ex.Message);
        Assert.Contains("expected a header row with the columns 'text' and 'label'", ex.Message);
    }

    [Fact]
    public void AHeaderWithoutRowsIsAnError()
    {
        var path = TextFixtures.WriteCsv("text,label\n");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains("has a header ('text', 'label') but no data rows", ex.Message);
    }

    [Fact]
    public void NoRowsInMemoryIsAnError()
    {
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromRows(Array.Empty<(string, string)>(), Tokenizer));
        Assert.Contains("rows holds no rows", ex.Message);
    }

    [Fact]
    public void ARowWithTooFewFieldsSaysWhichColumnIsMissing()
    {
        var path = TextFixtures.WriteCsv("label,text\npos,good\nneg\n");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains("line 3 (data row 2) has 1 field(s); expected at least 2, for the column 'text'", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void AMaximumLengthBelowTwoIsAnError(int maxLength)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            TextClassificationData.FromRows(new[] { ("good", "a") }, Tokenizer, new TextDataOptions { MaxLength = maxLength }));
        Assert.Contains("at least 2 tokens, room for [CLS] and [SEP]", ex.Message);
        Assert.Contains($"found {maxLength}", ex.Message);
    }

    [Fact]
    public void AMaximumLengthAboveTheModelsPositionsIsAnError()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            TextClassificationData.FromRows(new[] { ("good", "a") }, Tokenizer, new TextDataOptions { MaxLength = 513, MaxPositions = 512 }));
        Assert.Contains("maximum length 513 is more than the model's 512 positions", ex.Message);
        // Exactly the positions is fine.
        Assert.Equal(1, TextClassificationData.FromRows(new[] { ("good", "a") }, Tokenizer, new TextDataOptions { MaxLength = 512, MaxPositions = 512 }).Count);
    }

    [Fact]
    public void AStrayQuoteIsAnErrorNotASilentMergeOfRows()
    {
        var path = TextFixtures.WriteCsv("text,label\n\"unclosed,pos\ngood,neg\n");
        var ex = Assert.Throws<TextDataException>(() => TextClassificationData.FromCsv(path, Tokenizer));
        Assert.Contains("is not valid CSV", ex.Message);
    }
}
