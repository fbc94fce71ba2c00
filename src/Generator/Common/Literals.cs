using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace Attune.Generator.Common
{
    /// <summary>C# literals for values read from attributes: culture-invariant, round-trippable and escaped.</summary>
    internal static class Literals
    {
        public static string Double(double value)
        {
            if (double.IsNaN(value))
                return "global::System.Double.NaN";
            if (double.IsPositiveInfinity(value))
                return "global::System.Double.PositiveInfinity";
            if (double.IsNegativeInfinity(value))
                return "global::System.Double.NegativeInfinity";
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>A literal as messages show it: <c>double.NaN</c> rather than the qualified name.</summary>
        public static string Display(string literal)
            => literal.StartsWith("global::System.Double.", System.StringComparison.Ordinal)
                ? "double." + literal.Substring("global::System.Double.".Length)
                : literal;

        public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Boolean(bool value) => value ? "true" : "false";

        public static string String(string? value) => value is null ? "null" : SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>Text for a generated XML doc comment: the user's names and expressions with &lt;, &gt; and &amp; escaped.</summary>
        public static string XmlText(string text)
        {
            var escaped = new System.Text.StringBuilder(text.Length);
            foreach (var c in text)
                escaped.Append(c switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", _ => c.ToString() });
            return escaped.ToString();
        }

        /// <summary>An identifier, prefixed with <c>@</c> when it is a C# keyword.</summary>
        public static string Identifier(string name)
            => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.AwaitKeyword
                ? "@" + name
                : name;
    }
}
