using Attune.Search;

namespace Attune.Reports.Tests;

public class SpaceTextTests
{
    [Fact]
    public void A_stored_space_reads_back_to_the_parameters_it_was_written_from()
    {
        var space = Knobs.Space.Parameters.Append(new ParameterSpec("Depth", ParameterKind.Int, 2, 64, Log: true, Step: 1, Condition: new ParameterCondition("Act", [1]))).ToList();
        var parsed = SpaceText.Parse(string.Join("\n", space.Select(p => p.Describe())));
        Assert.Equal(space.Select(p => (p.Name, p.Kind, p.Low, p.High, p.Log)), parsed.Select(p => (p.Name, p.Kind, p.Low, p.High, p.Log)));
        Assert.Equal(Knobs.Acts, parsed[3].Choices);
    }
}
