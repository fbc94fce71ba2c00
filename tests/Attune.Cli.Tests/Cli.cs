namespace Attune.Cli.Tests;

/// <summary>One run of the tool in-process: its exit code and what it wrote.</summary>
public sealed record CliRun(int Code, string Out, string Err)
{
    public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

internal static class Cli
{
    /// <summary>Runs the tool with a storage and an environment of the test's own (ATTUNE_STORAGE is not read from
    /// the test process) and, unless <paramref name="input"/> is given, standard input redirected.</summary>
    public static async Task<CliRun> Run(string[] args, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, new StringReader(input ?? ""), InputIsTerminal: input is not null,
            name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);
        int code = await AttuneCli.RunAsync(args, context);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
