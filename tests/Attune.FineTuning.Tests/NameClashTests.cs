using System.Reflection;

namespace Attune.FineTuning.Tests;

/// <summary>
/// The usings a TorchSharp program writes (<c>using TorchSharp; using TorchSharp.Modules; using static TorchSharp.torch;</c>)
/// next to Attune's must not make any name ambiguous (CS0104): no public Attune type may share its simple name with a
/// public type those usings bring in.
/// </summary>
public class NameClashTests
{
    [Fact]
    public void No_public_Attune_type_shares_a_name_with_a_type_that_TorchSharps_usual_usings_import()
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly;
        var imported = torchSharp.GetExportedTypes()
            .Where(t => !t.IsNested && (t.Namespace == "TorchSharp" || t.Namespace == "TorchSharp.Modules"))
            .Concat(typeof(TorchSharp.torch).GetNestedTypes(BindingFlags.Public))   // using static TorchSharp.torch
            .Select(SimpleName)
            .ToHashSet(StringComparer.Ordinal);

        var attune = new[] { typeof(FineTuneOptions).Assembly, typeof(Attune.Search.SearchSpace).Assembly, typeof(FineTuneAttribute).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested)
            .Select(t => (Name: SimpleName(t), t.FullName))
            .ToList();

        Assert.NotEmpty(imported);
        Assert.Contains("TensorDataset", imported);   // the name Attune's in-memory source used to have
        var clashes = attune.Where(t => imported.Contains(t.Name)).Select(t => t.FullName).ToList();
        Assert.True(clashes.Count == 0, "These Attune types clash with TorchSharp's under its usual usings: " + string.Join(", ", clashes));
    }

    /// <summary>The name with its generic arity (Loss`3): C# tells a generic type from a non-generic one of the same name,
    /// so only equal names of equal arity are ambiguous.</summary>
    private static string SimpleName(Type type) => type.Name;
}
