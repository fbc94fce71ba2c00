namespace Attune.Cli.Tests;

/// <summary>A password in the storage value never reaches any output, whatever goes wrong.</summary>
public sealed class SecretTests
{
    private const string Password = "Pw-7f3kQz9!";

    public static TheoryData<string> Storages => new()
    {
        $"Host=127.0.0.1;Port=1;Username=attune;Password={Password};Database=sweeps;Timeout=2",
        $"postgres://attune:{Password}@127.0.0.1:1/sweeps",
    };

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task An_unreachable_server_is_exit_1_and_names_the_server_without_the_password(string storage)
    {
        // The tool's Main sets a short retry budget; in-process the tests set it for the storage's retry loop.
        Environment.SetEnvironmentVariable("ATTUNE_POSTGRES_RETRY_SECONDS", "0");
        foreach (string[] args in new[] { new[] { "studies" }, ["show", "demo", "--json"], ["trials", "demo"], ["export", "demo", "--format", "csv"], ["delete", "demo", "--yes"] })
        {
            var run = await Cli.Run(["--storage", storage, .. args]);
            Assert.True(run.Code == 1, run.ToString());
            Assert.Contains("127.0.0.1:1", run.Err);
            Assert.DoesNotContain(Password, run.Out + run.Err);
            Assert.DoesNotContain(storage, run.Out + run.Err);
        }
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public async Task Parse_errors_and_help_never_echo_the_password(string storage)
    {
        var bad = await Cli.Run(["--storage", storage, "trials", "demo", "--sort", Password]);
        Assert.Equal(2, bad.Code);
        Assert.DoesNotContain(Password, bad.Out + bad.Err);
        var env = await Cli.Run(["studies", "--bogus"], environment: new Dictionary<string, string> { ["ATTUNE_STORAGE"] = storage });
        Assert.Equal(2, env.Code);
        Assert.DoesNotContain(Password, env.Out + env.Err);
        var help = await Cli.Run(["--storage", storage, "--help"]);
        Assert.DoesNotContain(Password, help.Out + help.Err);
    }

    [Fact]
    public async Task A_value_of_no_known_form_is_exit_1_without_repeating_it()
    {
        var run = await Cli.Run(["--storage", $"Server2=x;Password={Password}", "studies"]);
        Assert.True(run.Code == 1, run.ToString());
        Assert.Contains("is not a storage Attune knows", run.Err);
        Assert.DoesNotContain(Password, run.Out + run.Err);
    }
}
