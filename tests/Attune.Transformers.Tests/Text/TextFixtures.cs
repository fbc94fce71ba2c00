using System.Globalization;

namespace Attune.Transformers.Tests.Text;

/// <summary>The real vocabulary and review files the text tests read, loaded once for the whole run.</summary>
internal static class TextFixtures
{
    private static readonly Lazy<TextTokenizer> s_tokenizer = new(() => TextTokenizer.FromPackage(ModelPackage.MiniLM()));
    private static readonly Lazy<TextTokenizer> s_reviewTokenizer =
        new(() => TextTokenizer.FromPackage(ModelPackage.MiniLM(), new TextTokenizerOptions { ReplaceHtmlLineBreaks = true }));
    private static readonly Lazy<TextClassificationData> s_train128 = new(() => Reviews("fine_foods_train.csv", 128));

    /// <summary>all-MiniLM-L6-v2's uncased WordPiece vocabulary, text tokenized as given.</summary>
    public static TextTokenizer Tokenizer => s_tokenizer.Value;

    /// <summary>The same vocabulary with HTML line breaks removed, as the review sample reads its files.</summary>
    public static TextTokenizer ReviewTokenizer => s_reviewTokenizer.Value;

    public static string ReviewFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", "reviews", name);

    public static TextDataOptions ReviewOptions(int maxLength) =>
        new() { TextColumn = "review", LabelColumn = "score", MaxLength = maxLength, MaxPositions = 512 };

    /// <summary>The 4,000 training reviews at max length 128.</summary>
    public static TextClassificationData Train128 => s_train128.Value;

    public static TextClassificationData Reviews(string file, int maxLength, LabelMap? labels = null)
        => TextClassificationData.FromCsv(ReviewFile(file), ReviewTokenizer, ReviewOptions(maxLength) with { Labels = labels });

    /// <summary>
    /// Rows whose label is their own number ("r007"), so a batch's labels say which rows it holds (sorted label order is
    /// row order), and whose lengths vary from 1 to 60 words.
    /// </summary>
    public static TextClassificationData NumberedRows(int count, TextDataOptions? options = null)
    {
        var rows = Enumerable.Range(0, count)
            .Select(i => (string.Join(" ", Enumerable.Repeat("good", 1 + i * 37 % 60)), "r" + i.ToString("D4", CultureInfo.InvariantCulture)));
        return TextClassificationData.FromRows(rows, Tokenizer, options ?? new TextDataOptions { MaxLength = 64 });
    }

    /// <summary>Writes a CSV file for one test and returns its path.</summary>
    public static string WriteCsv(string content, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var dir = Path.Combine(Path.GetTempPath(), "attune-text-tests", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".csv");
        File.WriteAllText(path, content);
        return path;
    }
}
