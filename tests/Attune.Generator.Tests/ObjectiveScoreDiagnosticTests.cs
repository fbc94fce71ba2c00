using Microsoft.CodeAnalysis;
using static Attune.Generator.Tests.DiagnosticTests;

namespace Attune.Generator.Tests;

/// <summary>
/// Every <c>[ObjectiveScore]</c> diagnostic (AT0123–AT0128) with its exact span (<c>{|ID:text|}</c> markup; no more, no
/// fewer), and what the generator still emits around it.
/// </summary>
public sealed class ObjectiveScoreDiagnosticTests
{
    private static bool Generated(Infrastructure.GeneratorRun run, string typeName)
        => run.Sources.Any(s => s.HintName.EndsWith(typeName + ".ObjectiveScore.g.cs", StringComparison.Ordinal));

    [Fact]
    public void AT0123_ScoreWithoutObjective()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public partial record {|AT0123:Budget|}([property: Constraint] double OverBudgetMb);

            [ObjectiveScore]
            public partial class {|AT0123:Nothing|} { public double Accuracy { get; set; } }
            """);
        Assert.False(Generated(run, "Budget"));
        Assert.Contains("'Budget' is an [ObjectiveScore] type but has no [Objective] property", Message(run, "AT0123"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0124_ObjectiveOrConstraintNotDouble()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public partial record Score([property: Objective(Direction.Maximize)] float {|AT0124:Accuracy|}, [property: Constraint] int {|AT0124:OverMb|});

            [ObjectiveScore]
            public partial class Fine
            {
                [Objective(Direction.Minimize)] public decimal {|AT0124:Cost|} { get; set; }
                [Objective(Direction.Minimize)] public double Loss { get; set; }
            }
            """);
        Assert.False(Generated(run, "Score"));
        Assert.False(Generated(run, "Fine"));
        Assert.Contains("'Accuracy' of 'Score' is marked [Objective] but is 'float'; objectives and constraints are stored as double. Make 'Accuracy' a double.",
            Message(run, "AT0124"), StringComparison.Ordinal);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AT0123");   // the broken objective is reported once
    }

    [Fact]
    public void AT0125_ScoreOrContainingTypeNotPartial()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public record {|AT0125:Score|}([property: Objective(Direction.Maximize)] double Accuracy);

            public class Outer
            {
                [ObjectiveScore]
                public partial record {|AT0125:Inner|}([property: Objective(Direction.Maximize)] double Accuracy);
            }
            """);
        Assert.False(Generated(run, "Score"));
        Assert.False(Generated(run, "Inner"));
        Assert.Contains("'Inner' is an [ObjectiveScore] type, but 'Outer' is not declared partial", string.Join("|", run.GeneratorDiagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0126_ScoreThatCannotBeRebuilt()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public partial class {|AT0126:ReadOnly|}
            {
                public ReadOnly(double accuracy, string note) { Accuracy = accuracy; }
                [Objective(Direction.Maximize)] public double Accuracy { get; }
            }

            [ObjectiveScore]
            public partial class {|AT0126:OtherRequired|}
            {
                [Objective(Direction.Maximize)] public double Accuracy { get; set; }
                public required string Name { get; set; }
            }

            [ObjectiveScore]
            public partial class ByConstructor
            {
                public ByConstructor(double LATENCY, double accuracy) { Accuracy = accuracy; Latency = LATENCY; }
                [Objective(Direction.Maximize)] public double Accuracy { get; }
                [Objective(Direction.Minimize)] public double Latency { get; }
            }
            """);
        Assert.True(Generated(run, "ByConstructor"));
        Assert.Contains("'ReadOnly' cannot be rebuilt from a stored trial's values: it needs a constructor whose parameters are exactly its objectives and constraints (Accuracy)",
            Message(run, "AT0126"), StringComparison.Ordinal);
        var source = run.Sources.Single(s => s.HintName.EndsWith("ByConstructor.ObjectiveScore.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("return new ByConstructor(objectives[1], objectives[0]);", source, StringComparison.Ordinal);   // by name, in the constructor's order
    }

    [Fact]
    public void AT0127_ObjectiveWithoutDirection()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public partial record Score([property: {|AT0127:Objective(Direction.Auto)|}] double Accuracy, [property: Objective(Direction.Minimize)] double Ms);
            """);
        Assert.False(Generated(run, "Score"));
        Assert.Contains("'Accuracy' of 'Score' has [Objective(Direction.Auto)]", Message(run, "AT0127"), StringComparison.Ordinal);
    }

    [Fact]
    public void AT0128_PruningAScoreWithSeveralObjectives()
    {
        var run = AssertDiagnostics("""
            [ObjectiveScore]
            public partial record TwoWay([property: Objective(Direction.Maximize)] double Accuracy, [property: Objective(Direction.Minimize)] double Ms);

            [ObjectiveScore]
            public partial record OneWay([property: Objective(Direction.Maximize)] double Accuracy, [property: Constraint] double OverMb);

            [TuneSpace(Direction = Direction.Maximize, Pruner = Pruner.Asha)]
            public partial record Pruned { [Uniform(0, 1)] public double X { get; init; } }

            [TuneSpace(Direction = Direction.Maximize)]
            public partial record Unpruned { [Uniform(0, 1)] public double X { get; init; } }

            public static class Objectives
            {
                public static void Run()
                {
                    Pruned.{|AT0128:RunSweep|}(trial => new TwoWay(trial.Parameters.X, 1));
                    Pruned.{|AT0128:RunSweepAsync|}(async trial => { await System.Threading.Tasks.Task.Yield(); return new TwoWay(1, 2); });
                    // One objective with a constraint may be pruned; no pruner, or a plain number: nothing to say.
                    Pruned.RunSweep(trial => new OneWay(trial.Parameters.X, -1));
                    Unpruned.RunSweep(trial => new TwoWay(trial.Parameters.X, 1));
                    Pruned.RunSweep(trial => trial.Parameters.X);
                }
            }
            """);
        Assert.Contains("'Pruned' sweeps with Pruner = Pruner.Asha, but its objective returns 'TwoWay', which has 2 objectives", Message(run, "AT0128"), StringComparison.Ordinal);
    }
}
