using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.ML.Tokenizers;

namespace Attune.Transformers;

/// <summary>
/// BERT's WordPiece tokenization as a BERT-family encoder reads it: <c>[CLS]</c>, the word pieces, <c>[SEP]</c>, cut to a
/// maximum length with <c>[SEP]</c> kept last. A thin wrapper over Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>,
/// which does the lower-casing, accent stripping, CJK split and the WordPiece itself; this class adds what fine-tuning
/// needs around it (truncation that says so, the special ids, batches of tensors, optional HTML clean-up) and two
/// corrections that make the ids those of Hugging Face's BERT tokenizer, which the vocabularies were trained with: its
/// text clean-up and its punctuation split (see <see cref="BertCleanText"/> and the options in
/// <see cref="FromVocabulary"/>). Checked against FastBertTokenizer on every product review.
/// </summary>
/// <example>
/// <code>
/// var tokenizer = TextTokenizer.FromPackage(ModelPackage.MiniLM());
/// TokenizedText t = tokenizer.Encode("The movie was surprisingly good!", maxLength: 128);
/// // t.Ids: 101, 1996, 3185, 2001, 10889, 2204, 999, 102
/// </code>
/// </example>
public sealed partial class TextTokenizer
{
    private readonly BertTokenizer _bert;
    private long _encodedTexts;

    private TextTokenizer(BertTokenizer bert, int vocabularySize, TextTokenizerOptions options, bool lowerCase)
    {
        _bert = bert;
        VocabularySize = vocabularySize;
        Options = options;
        LowerCase = lowerCase;
    }

    /// <summary>Reads a WordPiece vocabulary (<c>vocab.txt</c>: one piece a line, the line number is its id).</summary>
    /// <param name="vocabulary">The vocabulary; read to the end, not disposed.</param>
    /// <param name="options">Casing and clean-up; null for the defaults (casing decided from the vocabulary).</param>
    public static TextTokenizer FromVocabulary(Stream vocabulary, TextTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new TextTokenizerOptions();
        // Read once into memory: the casing check and BertTokenizer both need the whole file, and the stream may not seek.
        using var copy = new MemoryStream();
        vocabulary.CopyTo(copy);
        var lines = Encoding.UTF8.GetString(copy.GetBuffer(), 0, (int)copy.Length).Split('\n');
        var pieces = lines.Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (pieces.Count == 0)
            throw new InvalidDataException("The WordPiece vocabulary is empty: expected one word piece a line ([PAD], [UNK], [CLS], [SEP], ...).");
        foreach (var special in new[] { "[CLS]", "[SEP]", "[PAD]", "[UNK]" })
            if (!pieces.Contains(special))
                throw new InvalidDataException($"The WordPiece vocabulary ({pieces.Count} pieces) has no {special} token; a BERT vocabulary needs [CLS], [SEP], [PAD] and [UNK].");

        bool lowerCase = options.LowerCase ?? !HasUpperCasePiece(pieces);
        copy.Position = 0;
        var bert = BertTokenizer.Create(copy, new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            // Hugging Face's BertTokenizer strips accents exactly when it lower-cases (strip_accents follows do_lower_case).
            RemoveNonSpacingMarks = lowerCase,
            ApplyBasicTokenization = true,
            // The library's own basic split (\w+|\p{P}) drops every character that is neither a word character nor
            // Unicode punctuation: "$5" loses its "$", "<" and ">" vanish, an emoji or a symbol disappears instead of
            // becoming [UNK]. BERT's basic tokenizer (Hugging Face's BasicTokenizer, which trained these vocabularies)
            // splits off ASCII symbols as punctuation and keeps other characters in their word, so the split is given here.
            PreTokenizer = new RegexPreTokenizer(BertBasicSplit(), specialTokens: null),
            // Text such as "[SEP]" inside a review is read as text, not as a control token: data cannot inject separators.
            SplitOnSpecialTokens = false,
            IndividuallyTokenizeCjk = true,
        });
        return new TextTokenizer(bert, pieces.Count, options, lowerCase);
    }

    /// <summary>Reads a <c>vocab.txt</c> file.</summary>
    public static TextTokenizer FromFile(string vocabularyPath, TextTokenizerOptions? options = null)
    {
        using var file = File.OpenRead(vocabularyPath);
        return FromVocabulary(file, options);
    }

    /// <summary>The vocabulary that ships with a model package (its <c>vocab.txt</c> resource).</summary>
    public static TextTokenizer FromPackage(ModelPackage package, TextTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        using var vocabulary = package.OpenResource("vocab.txt");
        return FromVocabulary(vocabulary, options);
    }

    /// <summary>The options the tokenizer was made with.</summary>
    public TextTokenizerOptions Options { get; }

    /// <summary>Whether text is lower-cased (and accents stripped) before the split.</summary>
    public bool LowerCase { get; }

    /// <summary>The number of word pieces in the vocabulary (30,522 for all-MiniLM-L6-v2).</summary>
    public int VocabularySize { get; }

    /// <summary>The id of <c>[PAD]</c>, which fills a batch's shorter rows (0 in BERT vocabularies).</summary>
    public int PadId => _bert.PaddingTokenId;

    /// <summary>The id of <c>[CLS]</c>, the first token of every row (101).</summary>
    public int ClsId => _bert.ClassificationTokenId;

    /// <summary>The id of <c>[SEP]</c>, the last token of every row (102).</summary>
    public int SepId => _bert.SeparatorTokenId;

    /// <summary>The id of <c>[UNK]</c>, for a word with no pieces in the vocabulary (100).</summary>
    public int UnknownId => _bert.UnknownTokenId;

    /// <summary>
    /// How many texts this tokenizer has encoded so far. Tokenizing is the costly part of preparing text, so data sets
    /// do it once when they are built; this count lets a caller check that (it does not grow while batches are read).
    /// </summary>
    public long EncodedTexts => Interlocked.Read(ref _encodedTexts);

    /// <summary>
    /// Encodes one text: <c>[CLS]</c>, its word pieces, <c>[SEP]</c>. A text longer than <paramref name="maxLength"/>
    /// keeps its first <c>maxLength - 2</c> pieces and still ends with <c>[SEP]</c>;
    /// <see cref="TokenizedText.Truncated"/> says so and <see cref="TokenizedText.FullLength"/> keeps the length it had.
    /// </summary>
    /// <param name="text">The text (may be empty: it then encodes as <c>[CLS] [SEP]</c>).</param>
    /// <param name="maxLength">At least 2, room for <c>[CLS]</c> and <c>[SEP]</c>.</param>
    public TokenizedText Encode(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckMaxLength(maxLength, nameof(maxLength));
        // The pieces without special tokens, so that truncation can cut them and then put [SEP] back last; the library's
        // own maxTokenCount would count the special tokens differently and not tell how long the text was.
        var pieces = _bert.EncodeToIds(Clean(text), addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        Interlocked.Increment(ref _encodedTexts);
        int kept = Math.Min(pieces.Count, maxLength - 2);
        var ids = new int[kept + 2];
        ids[0] = ClsId;
        for (int i = 0; i < kept; i++) ids[i + 1] = pieces[i];
        ids[kept + 1] = SepId;
        return new TokenizedText(ids, pieces.Count + 2);
    }

    /// <summary>
    /// Encodes texts for inference as one batch padded to its longest row, in the order given: ids, attention mask
    /// (1 for a real token, 0 for padding), no token types (all zeros). The tensors are made in the caller's dispose
    /// scope, if any.
    /// </summary>
    /// <param name="texts">The texts; none may be empty or only whitespace (the model would see nothing but <c>[CLS] [SEP]</c>).</param>
    /// <param name="maxLength">The maximum length of a row, as the model was fine-tuned with.</param>
    public TextBatch EncodeBatch(IEnumerable<string> texts, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        CheckMaxLength(maxLength, nameof(maxLength));
        var rows = new List<int[]>();
        int index = 0;
        foreach (var text in texts)
        {
            if (string.IsNullOrWhiteSpace(text))
                throw new ArgumentException(
                    $"Text {index} (0-based) of the batch is {(text is null ? "null" : "empty or only whitespace")}: expected text to classify.", nameof(texts));
            rows.Add(EncodeIds(text, maxLength));
            index++;
        }
        if (rows.Count == 0) throw new ArgumentException("Expected at least one text to encode; found none.", nameof(texts));
        return Padding.Pad(rows, PadId);
    }

    /// <summary>Turns ids back into text (word pieces joined), to read what a row holds.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Leave out <c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c> and the like.</param>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => _bert.Decode(ids, skipSpecialTokens);

    internal int[] EncodeIds(string text, int maxLength) => (int[])Encode(text, maxLength).Ids;

    internal static void CheckMaxLength(int maxLength, string parameter)
    {
        if (maxLength < 2)
            throw new ArgumentOutOfRangeException(parameter, maxLength,
                $"The maximum length must be at least 2 tokens, room for [CLS] and [SEP]; found {maxLength}.");
    }

    private string Clean(string text)
        => BertCleanText(Options.ReplaceHtmlLineBreaks ? HtmlLineBreak().Replace(text, " ") : text);

    /// <summary>
    /// BERT's text clean-up (Hugging Face's <c>_clean_text</c>), which Microsoft.ML.Tokenizers 2.0.1 does differently:
    /// tabs and line breaks become spaces (the library deletes them, gluing "line\nbreak" into one word) and format
    /// characters such as a zero-width space are deleted (the library keeps them inside the word, which then is [UNK]).
    /// Every other control or unassigned character, NUL and U+FFFD are deleted; other whitespace becomes a space.
    /// </summary>
    internal static string BertCleanText(string text)
    {
        bool clean = true;
        foreach (char c in text)
            if (c < ' ' || c >= '\u007f')
            {
                clean = false;
                break;
            }
        if (clean) return text; // plain printable ASCII, the common case: nothing to do
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int value = rune.Value;
            if (value == '\t' || value == '\n' || value == '\r' || Rune.IsWhiteSpace(rune))
            {
                builder.Append(' ');
                continue;
            }
            if (value == 0 || value == 0xFFFD) continue;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned
                or System.Globalization.UnicodeCategory.Surrogate)
                continue;
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }

    // A run of characters that are neither whitespace nor punctuation, or one punctuation character. Punctuation is
    // BERT's: Unicode P* plus every ASCII symbol (!-/ :-@ [-` {-~), as in Hugging Face's _is_punctuation.
    [GeneratedRegex(@"[^\s\p{P}!-/:-@\[-`{-~]+|[\p{P}!-/:-@\[-`{-~]", RegexOptions.CultureInvariant)]
    private static partial Regex BertBasicSplit();

    [GeneratedRegex(@"<br\s*/?\s*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HtmlLineBreak();

    // A cased vocabulary holds pieces with upper-case Latin letters ("The", "##A"); the special tokens ([CLS], [unused0])
    // are not text, so they do not count. Only A-Z is asked: uncased vocabularies keep symbols that Unicode calls
    // upper-case letters (all-MiniLM-L6-v2's has 'ℝ'), which lower-casing does not touch.
    private static bool HasUpperCasePiece(IEnumerable<string> pieces)
        => pieces.Any(p => !(p.StartsWith('[') && p.EndsWith(']')) && p.Any(char.IsAsciiLetterUpper));
}
