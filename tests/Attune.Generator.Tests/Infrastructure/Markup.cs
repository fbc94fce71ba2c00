using Microsoft.CodeAnalysis.Text;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// Test sources with expected diagnostics marked inline as <c>{|AT0003:Epochs = 0|}</c>: the markers are removed
/// and each becomes an expected (ID, span) pair.
/// </summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var builder = new System.Text.StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (markup.AsSpan(i).StartsWith("{|"))
            {
                var colon = markup.IndexOf(':', i);
                open.Push((markup[(i + 2)..colon], builder.Length));
                i = colon + 1;
            }
            else if (markup.AsSpan(i).StartsWith("|}") && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, builder.Length)));
                i += 2;
            }
            else
            {
                builder.Append(markup[i]);
                i++;
            }
        }
        if (open.Count > 0)
            throw new FormatException("Unclosed {| marker in test source.");
        return (builder.ToString(), expected);
    }
}
