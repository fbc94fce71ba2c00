using System.Globalization;
using Xunit.Abstractions;

namespace Attune.Transformers.Tests.Text;

/// <summary>
/// The real review lengths that decide the sample's sequence length, printed to the test output
/// (<c>dotnet test --logger "console;verbosity=detailed"</c>), with the relations they must keep.
/// </summary>
public class ReviewLengthReport(ITestOutputHelper output)
{
    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    public void ReviewTokenLengthsAndPaddingEfficiencyAtBatch16(int maxLength)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var train = TextFixtures.Reviews("fine_foods_train.csv", maxLength);
        clock.Stop();
        var s = train.Statistics;
        double toMax = train.PaddingEfficiency(16, BatchPadding.ToMaximum);
        double dynamic = train.PaddingEfficiency(16, BatchPadding.Dynamic, seed: 1);
        double grouped = train.PaddingEfficiency(16, BatchPadding.DynamicGroupedByLength, seed: 1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fine_foods_train.csv at max length {maxLength} (HTML breaks removed): mean {s.MeanLength:F1}, median {s.MedianLength}, p90 {s.P90Length}, max {s.LongestRow} "
            + $"(untruncated median {s.MedianFullLength}, p90 {s.P90FullLength}, max {s.LongestFullRow}); truncated {s.TruncatedRows} ({s.TruncatedShare:P1}); "
            + $"padding efficiency at batch 16: to max {toMax:P1}, dynamic {dynamic:P1}, dynamic + length grouping {grouped:P1} "
            + $"(mean padded width {MeanWidth(toMax):F1} / {MeanWidth(dynamic):F1} / {MeanWidth(grouped):F1} tokens); read and tokenized in {clock.Elapsed.TotalSeconds:F2} s"));
        double MeanWidth(double efficiency) => s.MeanLength / efficiency;
        foreach (var w in s.Warnings) output.WriteLine("warning: " + w);

        Assert.Equal(4000, s.Rows);
        Assert.True(s.LongestRow <= maxLength);
        Assert.True(s.MedianLength <= s.P90Length && s.P90Length <= s.LongestRow);
        Assert.Equal(s.TruncatedRows > 0, s.LongestFullRow > maxLength);
        Assert.True(toMax <= dynamic && dynamic < grouped);
    }
}
