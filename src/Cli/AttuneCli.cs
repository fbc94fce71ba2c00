using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Attune.Cli.Commands;
using Attune.Search.PostgreSql;

namespace Attune.Cli;

/// <summary>The <c>attune</c> tool's entry point, callable in-process (the tests do) with its own writers.</summary>
public static class AttuneCli
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The command could not do its work: storage unreachable, study or directory not found, a refused deletion.</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong (System.CommandLine's parse errors, a missing --yes where nobody can be asked).</summary>
    public const int Usage = 2;

    public static Task<int> Main(string[] args)
    {
        // A command-line read should say quickly that a server is down; a sweep worker's minute of retries is for
        // riding out a restart. An explicit setting wins.
        if (Environment.GetEnvironmentVariable("ATTUNE_POSTGRES_RETRY_SECONDS") is null)
            Environment.SetEnvironmentVariable("ATTUNE_POSTGRES_RETRY_SECONDS", "5");
        return RunAsync(args, CliContext.FromConsole());
    }

    /// <summary>Runs one command line with <paramref name="output"/> and <paramref name="error"/> as standard output and
    /// error; standard input counts as redirected (so deletion needs --yes).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        => RunAsync(args, new CliContext(output, error, TextReader.Null, InputIsTerminal: false, Environment.GetEnvironmentVariable));

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        // Registering here, not by a module initializer: the tool is the one program that must open every storage kind.
        PostgresStudyStorage.Register();
        // Whatever a library message or a parse error might echo, a secret in the --storage value is never written.
        var secrets = Secrets.In(args.Append(context.Environment(StorageOption.Variable) ?? "").ToArray());
        var cli = context with { Out = new RedactingWriter(context.Out, secrets), Err = new RedactingWriter(context.Err, secrets) };
        try
        {
            var root = Build(cli);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var e in parsed.Errors) cli.Err.WriteLine(e.Message);
                string command = string.Join(' ', parsed.CommandResult.Command == root ? ["attune"] : new[] { "attune", parsed.CommandResult.Command.Name });
                cli.Err.WriteLine($"Run '{command} --help' for usage.");
                return Usage;
            }
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = cli.Out, Error = cli.Err, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        finally
        {
            cli.Out.Flush();
            cli.Err.Flush();
        }
    }

    private static RootCommand Build(CliContext cli)
    {
        var root = new RootCommand("Attune: inspect, export, report and delete sweep studies (SQLite or PostgreSQL) and fine-tune checkpoint directories.");
        root.Options.Add(StorageOption.Create());
        root.Subcommands.Add(StudiesCommand.Create(cli));
        root.Subcommands.Add(ShowCommand.Create(cli));
        root.Subcommands.Add(TrialsCommand.Create(cli));
        root.Subcommands.Add(ExportCommand.Create(cli));
        root.Subcommands.Add(DeleteCommand.Create(cli));
        root.Subcommands.Add(RunCommand.Create(cli));
        root.Subcommands.Add(ReportCommand.Create(cli));
        return root;
    }
}
