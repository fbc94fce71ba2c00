using System;
using System.IO;

namespace Attune.Cli;

/// <summary>What a command may touch of its process: its writers, its input, whether a person can answer a prompt,
/// and its environment (a function, so tests set ATTUNE_STORAGE without changing the test process's).</summary>
public sealed record CliContext(TextWriter Out, TextWriter Err, TextReader In, bool InputIsTerminal, Func<string, string?> Environment)
{
    public static CliContext FromConsole()
        => new(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected, System.Environment.GetEnvironmentVariable);
}

/// <summary>A failure the command reports as one message on standard error, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
