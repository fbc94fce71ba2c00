using Attune.Search;

namespace Attune.Study.Tests;

/// <summary>A study read without its type (Studies.Load(storage, name)): the space rebuilt from the stored text, and the
/// untyped export, which must write what the typed one writes.</summary>
public sealed class StoredStudyTests
{
    [Fact]
    public void A_stored_study_prints_as_a_sentence()
    {
        var space = new SearchSpace("s", [new ParameterSpec("x", ParameterKind.Float, 0, 1)]);
        using var storage = new InMemoryStudyStorage();
        storage.OpenStudy("empty", space, Direction.Minimize);
        Assert.Equal("study 'empty' in memory (this process) (minimize): 0 trials, none complete", Studies.Load(storage, "empty")!.ToString());
    }

    [Fact]
    public void Every_kind_of_parameter_reads_back_into_the_same_space()
    {
        var space = new SearchSpace("All",
        [
            new ParameterSpec("F", ParameterKind.Float, -1.5, 2.25),
            new ParameterSpec("Lr", ParameterKind.Float, 1e-5, 0.1, Log: true),
            new ParameterSpec("N", ParameterKind.Int, 2, 64, Step: 2),
            new ParameterSpec("Rank", ParameterKind.Int, 1, 128, Log: true, Step: 1),
            new ParameterSpec("Act", ParameterKind.Categorical, Choices: ["relu", "gelu"]),
            new ParameterSpec("Width", ParameterKind.Categorical, Choices: ["0.5", "1", "2"]),
            new ParameterSpec("Bias", ParameterKind.Categorical, Choices: ["false", "true"]),
            new ParameterSpec("Alpha", ParameterKind.Float, 0, 1, Condition: new ParameterCondition("Act", [1])),
            new ParameterSpec("Mode", ParameterKind.Categorical, Choices: ["a", "b"], Condition: new ParameterCondition("Width", [0, 2])),
        ]);
        using var storage = new InMemoryStudyStorage();
        storage.OpenStudy("s", space, Direction.Maximize);
        var study = Studies.Load(storage, "s")!;
        Assert.NotNull(study.Space);
        Assert.Equal(space.Fingerprint, study.Space!.Fingerprint);
        Assert.Equal(space.Parameters, study.Space.Parameters, (a, b) => a.Describe() == b.Describe() && a.Kind == b.Kind && a.Log == b.Log);
        Assert.Equal(Direction.Maximize, study.Direction);
        Assert.Null(study.Best);
        Assert.Null(Studies.Load(storage, "absent"));
    }

    [Fact]
    public void A_space_text_that_does_not_read_back_gives_no_space_and_an_export_that_says_why()
    {
        // A name holding ": " (possible through the API, not from a [TuneSpace]) makes its line unreadable.
        var space = new SearchSpace("Odd", [new ParameterSpec("Pair: x", ParameterKind.Categorical, Choices: ["a", "c"])]);
        using var storage = new InMemoryStudyStorage();
        var info = storage.OpenStudy("odd", space, Direction.Minimize);
        var trial = storage.CreateTrial(info.Id, _ => [1]);
        storage.FinishTrial(new TrialOutcome(trial.Id, TrialState.Complete, 0.5, null));
        var study = Studies.Load(storage, "odd")!;
        Assert.Null(study.Space);
        Assert.Equal(["Pair"], study.ParameterNames); // names from the text's lines: up to the first ": "
        Assert.Equal("1", Assert.Single(study.ParameterTexts(study.Trials[0])).Value);
        var e = Assert.Throws<InvalidOperationException>(() => study.WriteCsv(new MemoryStream()));
        Assert.Contains("Study 'odd' in memory", e.Message);
    }

    [Fact]
    public void The_untyped_export_writes_exactly_what_the_typed_one_writes()
    {
        using var storage = new InMemoryStudyStorage();
        var typed = Sweep.Run<Knobs>(t =>
        {
            t.Report(0, 0.25);
            return t.Number == 1 ? throw new InvalidOperationException("bad, \"quoted\"") : t.Parameters.Lr;
        }, Knobs.DefaultSweepOptions with { Trials = 4 }, sampler: null, storage: storage);
        var dir = Path.Combine(Path.GetTempPath(), "attune-stored-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            typed.ExportCsv(Path.Combine(dir, "typed.csv"));
            typed.ExportJson(Path.Combine(dir, "typed.json"));
            var study = Studies.Load(storage, "Knobs")!;
            study.ExportCsv(Path.Combine(dir, "untyped.csv"));
            study.ExportJson(Path.Combine(dir, "untyped.json"));
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "typed.csv")), File.ReadAllText(Path.Combine(dir, "untyped.csv")));
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "typed.json")), File.ReadAllText(Path.Combine(dir, "untyped.json")));
            Assert.Equal(typed.Best.Number, study.Best!.Number);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
