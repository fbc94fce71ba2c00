using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class PretrainedTests
{
    public PretrainedTests() => Torch.Init();

    /// <summary>A backbone like TinyNet's plus an extra layer, to produce unexpected/missing keys.</summary>
    private sealed class Deeper : nn.Module<Tensor, Tensor>
    {
#pragma warning disable CA1051
        public Sequential backbone;
        public Linear head;
        public Linear extra;
#pragma warning restore CA1051
        public Deeper() : base(nameof(Deeper))
        {
            backbone = nn.Sequential(("fc", nn.Linear(4, 8)), ("act", nn.ReLU()));
            head = nn.Linear(8, 3);
            extra = nn.Linear(3, 3);
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => extra.call(head.call(backbone.call(x)));
    }

    [Fact]
    public void Loads_every_key_of_a_matching_file()
    {
        using var dir = new TempDir();
        var source = new TinyNet();
        source.save(dir.File("w.bin"));
        var target = new TinyNet();
        var report = target.LoadPretrained(dir.File("w.bin"));
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight", "head.bias", "head.weight" }, report.Loaded.Order());
        Assert.Empty(report.Skipped);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(dir.File("w.bin"), report.Path);
        Assert.True(Data.SameBits(source.head.weight!, target.head.weight!));
        Assert.True(target.head.weight!.requires_grad);
    }

    [Fact]
    public void Missing_file_names_the_full_path()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<FileNotFoundException>(() => new TinyNet().LoadPretrained(dir.File("nope.bin")));
        Assert.Contains(dir.File("nope.bin"), ex.Message);
        Assert.Equal(dir.File("nope.bin"), ex.FileName);
    }

    [Fact]
    public void Truncated_file_names_the_file_and_what_was_read_and_changes_nothing()
    {
        using var dir = new TempDir();
        new TinyNet().save(dir.File("w.bin"));
        var bytes = File.ReadAllBytes(dir.File("w.bin"));
        File.WriteAllBytes(dir.File("cut.bin"), bytes[..(bytes.Length - 8)]);
        var target = new TinyNet();
        var before = target.Snapshot();

        var ex = Assert.Throws<PretrainedLoadException>(() => target.LoadPretrained(dir.File("cut.bin")));

        Assert.Equal(dir.File("cut.bin"), ex.Path);
        Assert.Contains(dir.File("cut.bin"), ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("of 4 entries", ex.Message);
        Assert.Contains("entry 'head.bias' ([3] float32) needs 12 bytes of data but only 4 remain", ex.Message);
        foreach (var (key, value) in target.state_dict()) Assert.True(Data.SameBits(before[key], value), key);
    }

    [Fact]
    public void Garbage_and_empty_files_are_reported_as_corrupt()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("text.bin"), "this is not a weights file at all");
        File.WriteAllBytes(dir.File("empty.bin"), Array.Empty<byte>());
        var text = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(dir.File("text.bin"))).Message;
        Assert.Contains("is not a recognised weights format", text);
        Assert.Contains("|this is not a we|", text); // the first bytes, in printable form
        Assert.Contains("empty", Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(dir.File("empty.bin"))).Message);
    }

    [Fact]
    public void Strict_load_lists_unexpected_and_missing_keys()
    {
        using var dir = new TempDir();
        new Deeper().save(dir.File("deeper.bin"));
        new TinyNet().save(dir.File("tiny.bin"));

        var unexpected = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(dir.File("deeper.bin")));
        Assert.Equal(new[] { "extra.bias", "extra.weight" }, unexpected.UnexpectedKeys.Order());
        Assert.Contains("in the file but not in the model: extra.", unexpected.Message);

        var missing = Assert.Throws<PretrainedLoadException>(() => new Deeper().LoadPretrained(dir.File("tiny.bin")));
        Assert.Equal(new[] { "extra.bias", "extra.weight" }, missing.MissingKeys.Order());
        Assert.Contains("missing from the file: extra.", missing.Message);

        var report = new Deeper().LoadPretrained(dir.File("tiny.bin"), strict: false);
        Assert.Equal(4, report.Loaded.Count);
        Assert.Equal(new[] { "extra.bias", "extra.weight" }, report.Missing.Order());
    }

    [Fact]
    public void Skip_prefix_leaves_a_new_head_alone_and_reports_it()
    {
        using var dir = new TempDir();
        var pretrained = new TinyNet(outputs: 5);
        pretrained.save(dir.File("w.bin"));
        var target = new TinyNet(outputs: 3);
        var headBefore = target.head.weight!.detach().clone();

        var shape = Assert.Throws<PretrainedLoadException>(() => target.LoadPretrained(dir.File("w.bin")));
        Assert.Contains("'head.weight': the file has [5, 8] float32, the model has [3, 8] float32", shape.Message);

        var report = target.LoadPretrained(dir.File("w.bin"), skip: new[] { "head" });
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight" }, report.Loaded.Order());
        Assert.Equal(new[] { "head.bias", "head.weight" }, report.Skipped.Order()); // each key once, though both sides have it
        Assert.True(Data.SameBits(pretrained.backbone.state_dict()["fc.weight"], target.backbone.state_dict()["fc.weight"]));
        Assert.True(Data.SameBits(headBefore, target.head.weight!));
    }
}
