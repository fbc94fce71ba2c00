using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Attune.Cli;

/// <summary>Passwords found in the command line's values (keyword "Password=…"/"Pwd=…", or a URL's user:password@),
/// so that no output can carry one even if a message quotes its input.</summary>
internal static class Secrets
{
    private static readonly Regex Keyword = new(@"(?:^|;)\s*(?:password|pwd)\s*=\s*(?<v>""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Url = new(@"^[a-z][a-z0-9+.-]*://[^:/@]*:(?<v>[^@]*)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static IReadOnlyList<string> In(IEnumerable<string> values)
    {
        var found = new List<string>();
        foreach (string value in values)
        {
            foreach (Match m in Keyword.Matches(value)) Add(found, m.Groups["v"].Value.Trim().Trim('"', '\''));
            if (Url.Match(value.Trim()) is { Success: true } u)
            {
                Add(found, u.Groups["v"].Value);
                Add(found, Uri.UnescapeDataString(u.Groups["v"].Value));
            }
        }
        // Longest first, so a password that contains another is replaced whole.
        return found.Distinct().OrderByDescending(s => s.Length).ToList();
    }

    private static void Add(List<string> found, string secret)
    {
        if (secret.Length > 0) found.Add(secret);
    }
}

/// <summary>Replaces every secret in what is written through it. The commands write whole strings and lines, which
/// is where a secret could appear; single characters pass through.</summary>
internal sealed class RedactingWriter(TextWriter inner, IReadOnlyList<string> secrets) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;
    public override void Write(char value) => inner.Write(value);
    public override void Write(string? value) => inner.Write(Redact(value));
    public override void Write(char[] buffer, int index, int count) => inner.Write(Redact(new string(buffer, index, count)));
    public override void WriteLine(string? value) => inner.WriteLine(Redact(value));
    public override void WriteLine() => inner.WriteLine();
    public override void Flush() => inner.Flush();

    private string? Redact(string? text)
    {
        if (text is null || secrets.Count == 0) return text;
        foreach (string s in secrets) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }
}
