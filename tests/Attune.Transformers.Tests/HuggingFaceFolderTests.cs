using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers.Tests;

/// <summary>Hugging Face folders (config.json + model.safetensors): save, load, and checkpoints that do not fit.</summary>
public sealed class HuggingFaceFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "attune-hf-" + Guid.NewGuid().ToString("N"));

    public HuggingFaceFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Same shape and the same bytes.</summary>
    private static bool Same(Tensor a, Tensor b)
    {
        using var x = a.contiguous();
        using var y = b.contiguous();
        return a.shape.SequenceEqual(b.shape) && x.bytes.SequenceEqual(y.bytes);
    }

    private string Folder(string name) => Path.Combine(_root, name);

    [Fact]
    public void SaveThenLoadIsBitIdentical()
    {
        torch.manual_seed(1);
        var config = Tiny.Config with { Id2Label = new Dictionary<int, string> { [0] = "neg", [1] = "pos" } };
        using var original = new BertModel(config);
        original.eval();
        string folder = Folder("saved");
        original.SavePretrained(folder);

        Assert.Equal(config, BertConfig.Load(Path.Combine(folder, "config.json")));
        var file = SafeTensors.Read(Path.Combine(folder, "model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.All(file.Entries, e => Assert.Equal("F32", e.DType));

        torch.manual_seed(2);
        using var loaded = BertModel.FromPretrained(folder);
        loaded.eval();
        var a = original.state_dict();
        var b = loaded.state_dict();
        Assert.Equal(a.Keys.OrderBy(k => k, StringComparer.Ordinal), b.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var key in a.Keys)
            Assert.True(a[key].bytes.SequenceEqual(b[key].bytes), $"{key} differs after the round trip");

        using var scope = torch.NewDisposeScope();
        var batch = Tiny.Batch(6, 4);
        Assert.True(Same(original.call(batch), loaded.call(batch)));
    }

    [Fact]
    public void AClassifierCheckpointLoadsIntoTheEncoderWithItsHeadReported()
    {
        using var classifier = new BertForSequenceClassification(Tiny.Config, numLabels: 2);
        string folder = Folder("classifier");
        classifier.SavePretrained(folder);
        Assert.Contains("\"BertForSequenceClassification\"", File.ReadAllText(Path.Combine(folder, "config.json")));

        using var encoder = new BertModel(Tiny.Config);
        var report = encoder.LoadPretrained(folder);
        Assert.Equal(encoder.state_dict().Count, report.Loaded.Count);
        Assert.Contains("classifier.weight", report.Skipped);
        Assert.Contains("classifier.bias", report.Skipped);
        Assert.True(Same(encoder.state_dict()["encoder.layer.1.output.dense.weight"], classifier.state_dict()["bert.encoder.layer.1.output.dense.weight"]));

        // And back: the whole classifier, head and labels included.
        using var again = BertForSequenceClassification.FromPretrained(folder);
        Assert.Equal(2, again.NumLabels);
        Assert.True(Same(again.Classifier.weight!, classifier.Classifier.weight!));
    }

    [Fact]
    public void AnEncoderCheckpointStartsAClassifierWithAFreshHead()
    {
        using var encoder = new BertModel(Tiny.Config);
        string folder = Folder("encoder");
        encoder.SavePretrained(folder);
        using var classifier = BertForSequenceClassification.FromPretrained(folder, numLabels: 3);
        Assert.True(Same(classifier.Bert.state_dict()["embeddings.word_embeddings.weight"], encoder.state_dict()["embeddings.word_embeddings.weight"]));
        Assert.Equal(new long[] { 3, 16 }, classifier.Classifier.weight!.shape);
    }

    [Fact]
    public void AMissingKeyIsNamed()
    {
        string folder = Checkpoint("missing", drop: "encoder.layer.1.attention.self.key.bias");
        using var model = new BertModel(Tiny.Config);
        var ex = Assert.Throws<PretrainedLoadException>(() => model.LoadPretrained(folder));
        Assert.Contains("encoder.layer.1.attention.self.key.bias", ex.Message);
        Assert.Contains("missing from the file", ex.Message);
        Assert.Contains("model.safetensors", ex.Message);
        Assert.Equal(["encoder.layer.1.attention.self.key.bias"], ex.MissingKeys);
    }

    [Fact]
    public void AnUnexpectedKeyIsNamed()
    {
        string folder = Checkpoint("unexpected", add: ("bert.encoder.layer.0.attention.self.rotary.weight", torch.zeros(4)));
        using var model = new BertModel(Tiny.Config);
        var ex = Assert.Throws<PretrainedLoadException>(() => model.LoadPretrained(folder));
        Assert.Contains("encoder.layer.0.attention.self.rotary.weight", ex.Message);
        Assert.Contains("not in the model", ex.Message);
    }

    [Fact]
    public void AWrongShapeIsNamedWithBothShapes()
    {
        string folder = Checkpoint("shape", replace: ("bert.encoder.layer.0.intermediate.dense.weight", torch.zeros(31, 16)));
        using var model = new BertModel(Tiny.Config);
        var before = model.state_dict()["embeddings.word_embeddings.weight"].clone();
        var ex = Assert.Throws<PretrainedLoadException>(() => model.LoadPretrained(folder));
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", ex.Message);
        Assert.Contains("[31, 16]", ex.Message);
        Assert.Contains("[32, 16]", ex.Message);
        // Nothing was loaded.
        Assert.True(Same(model.state_dict()["embeddings.word_embeddings.weight"], before));
    }

    [Fact]
    public void ADifferentArchitectureInConfigJsonIsNamed()
    {
        string folder = Folder("bigger");
        using (var other = new BertModel(Tiny.Config with { IntermediateSize = 48 })) other.SavePretrained(folder);
        using var model = new BertModel(Tiny.Config);
        var ex = Assert.Throws<PretrainedLoadException>(() => model.LoadPretrained(folder));
        Assert.Contains("intermediate_size: the model has 32, the folder's config.json has 48", ex.Message);
    }

    /// <summary>A Hugging Face folder of a BertFor… model (keys with "bert.", an MLM head, a saved position_ids buffer), edited.</summary>
    private string Checkpoint(string name, string? drop = null, (string, Tensor)? add = null, (string, Tensor)? replace = null)
    {
        using var model = new BertModel(Tiny.Config);
        var tensors = model.state_dict().Select(kv => (Name: "bert." + kv.Key, Tensor: kv.Value)).ToList();
        tensors.Add(("cls.predictions.bias", torch.zeros(50)));
        tensors.Add(("bert.embeddings.position_ids", torch.arange(24L).unsqueeze(0)));
        if (drop is not null) tensors.RemoveAll(t => t.Name == "bert." + drop);
        if (add is { } a) tensors.Add(a);
        if (replace is { } r) tensors[tensors.FindIndex(t => t.Name == r.Item1)] = r;
        string folder = Folder(name);
        Directory.CreateDirectory(folder);
        SafeTensors.Write(Path.Combine(folder, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(folder, "config.json"), Tiny.Config.ToJson(["BertForMaskedLM"]));
        return folder;
    }

    [Fact]
    public void ABertForCheckpointLoadsWithoutItsPrefixAndReportsItsHead()
    {
        string folder = Checkpoint("mlm");
        using var model = new BertModel(Tiny.Config);
        var report = model.LoadPretrained(folder);
        Assert.Equal(model.state_dict().Count, report.Loaded.Count);
        Assert.Contains("cls.predictions.bias", report.Skipped);
        Assert.Contains("bert.embeddings.position_ids", report.Skipped);
    }
}
