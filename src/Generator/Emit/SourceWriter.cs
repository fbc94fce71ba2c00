using System;
using System.Text;

namespace Attune.Generator.Emit
{
    /// <summary>
    /// Writes C# with four-space indentation. Multi-line text (raw string literals) is indented line by line, so
    /// templates can be written flush left.
    /// </summary>
    internal sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder _builder = new StringBuilder();

        public int Indentation { get; set; }

        public SourceWriter WriteLine() => Append(string.Empty);

        public SourceWriter WriteLine(string text)
        {
            var start = 0;
            while (true)
            {
                var end = text.IndexOf('\n', start);
                if (end < 0)
                {
                    Append(text.Substring(start).TrimEnd('\r'));
                    return this;
                }
                Append(text.Substring(start, end - start).TrimEnd('\r'));
                start = end + 1;
            }
        }

        /// <summary>Writes <paramref name="line"/> and an opening brace, then indents.</summary>
        public SourceWriter OpenBlock(string line)
        {
            WriteLine(line);
            WriteLine("{");
            Indentation++;
            return this;
        }

        public SourceWriter CloseBlock(string suffix = "")
        {
            if (Indentation == 0)
                throw new InvalidOperationException("No block is open.");
            Indentation--;
            return WriteLine("}" + suffix);
        }

        public override string ToString() => _builder.ToString();

        private SourceWriter Append(string line)
        {
            if (line.Length > 0)
            {
                for (var i = 0; i < Indentation; i++)
                    _builder.Append(IndentUnit);
                _builder.Append(line);
            }
            _builder.Append('\n');
            return this;
        }
    }
}
