using System;
using System.Linq;

namespace Attune
{
    /// <summary>
    /// The LoRA target pattern language, one source compiled into both the generator (netstandard2.0, build-time checks)
    /// and the runtime (run-time resolution), so the build and the run can never disagree on what a pattern matches.
    /// Names are dotted <c>named_modules()</c> names ("layers.0.q"). A pattern is dot-separated segments: <c>**</c> as a
    /// whole segment matches any number of name segments (also none); in any other segment <c>*</c> matches any
    /// characters except a dot; everything else matches itself. A pattern matches a whole name, never a prefix.
    /// </summary>
    internal static class LoraPattern
    {
        /// <summary>Why <paramref name="pattern"/> is malformed, or null when it is fine.</summary>
        public static string? Problem(string? pattern)
        {
            if (pattern is null || pattern.Trim().Length == 0)
                return "is empty; expected dotted name segments such as \"*.fc1\"";
            var segments = pattern.Split('.');
            if (segments.Any(s => s.Length == 0))
                return "has an empty segment (a leading, trailing or doubled dot); expected segments separated by single dots";
            if (segments.Any(s => s.IndexOf("**", StringComparison.Ordinal) >= 0 && s != "**"))
                return "uses ** inside a segment; ** must be a whole segment (\"**.fc1\"), * matches within one";
            if (pattern.Any(char.IsWhiteSpace))
                return "contains whitespace, which no module name has";
            return null;
        }

        /// <summary>True when <paramref name="pattern"/> matches the whole dotted <paramref name="name"/>.</summary>
        public static bool Matches(string pattern, string name) => MatchSegments(pattern.Split('.'), 0, name.Split('.'), 0);

        private static bool MatchSegments(string[] pattern, int p, string[] name, int n)
        {
            if (p == pattern.Length) return n == name.Length;
            if (pattern[p] == "**")
            {
                for (int skip = n; skip <= name.Length; skip++)
                    if (MatchSegments(pattern, p + 1, name, skip)) return true;
                return false;
            }
            return n < name.Length && MatchSegment(pattern[p], name[n]) && MatchSegments(pattern, p + 1, name, n + 1);
        }

        /// <summary>Wildcard match of one segment: * is any run of characters.</summary>
        private static bool MatchSegment(string pattern, string text)
        {
            int p = 0, t = 0, star = -1, mark = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
                else if (p < pattern.Length && pattern[p] == text[t]) { p++; t++; }
                else if (star >= 0) { p = star + 1; t = ++mark; }
                else return false;
            }
            while (p < pattern.Length && pattern[p] == '*') p++;
            return p == pattern.Length;
        }
    }
}
