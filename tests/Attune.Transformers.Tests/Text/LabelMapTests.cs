namespace Attune.Transformers.Tests.Text;

/// <summary>Label indices: sorted, shared, and saved with a model.</summary>
public class LabelMapTests
{
    [Fact]
    public void LabelsAreIndexedInSortedOrderWhateverTheirOrderInTheRows()
    {
        var a = LabelMap.FromLabels(new[] { "other", "great", "other" });
        var b = LabelMap.FromLabels(new[] { "great", "other" });
        Assert.Equal(new[] { "great", "other" }, a.Names);
        Assert.Equal(a.Names, b.Names);
        Assert.Equal(1, a.IndexOf("other"));
        var ex = Assert.Throws<KeyNotFoundException>(() => a.IndexOf("Great"));
        Assert.Contains("'great' (0), 'other' (1)", ex.Message);
    }

    [Fact]
    public void TheMapRoundTripsThroughJsonAndId2Label()
    {
        var map = new LabelMap(new[] { "negative", "neutral", "positive" });
        var json = map.ToJson();
        Assert.Contains("\"id2label\":{\"0\":\"negative\",\"1\":\"neutral\",\"2\":\"positive\"}", json);
        Assert.Contains("\"label2id\":{\"negative\":0", json);
        Assert.Equal(map.Names, LabelMap.FromJson(json).Names);
        Assert.Equal(map.Names, LabelMap.FromId2Label(map.Id2Label).Names);
        // A Hugging Face config.json carries id2label among other members.
        Assert.Equal(new[] { "NEG", "POS" }, LabelMap.FromJson("{\"hidden_size\":384,\"id2label\":{\"1\":\"POS\",\"0\":\"NEG\"}}").Names);
    }

    [Fact]
    public void BadMapsAreRejected()
    {
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => new LabelMap(new[] { "a", "a" })).Message);
        Assert.Contains("index 1 is missing", Assert.Throws<ArgumentException>(() => LabelMap.FromId2Label(new Dictionary<int, string> { [0] = "a", [2] = "b" })).Message);
        Assert.Throws<InvalidDataException>(() => LabelMap.FromJson("{\"labels\":[]}"));
    }
}
