namespace Attune.FineTuning.Tests;

/// <summary>
/// A file that is not weights at all (issue 11): before, random bytes read as a TorchSharp file put the garbage into the
/// message as an "entry name"; now the message says the format is not recognised, which formats are read, and shows
/// the first bytes as hex with a printable column.
/// </summary>
[Trait("Category", "Fault")]
public class UnrecognisedWeightsTests
{
    public UnrecognisedWeightsTests() => Torch.Init();

    /// <summary>No character a terminal would choke on, and no U+FFFD from undecodable bytes.</summary>
    private static void AssertPrintable(string message)
    {
        foreach (char c in message) Assert.True(c >= ' ' && c < '\u007f' || c == '…', $"unprintable U+{(int)c:X4} in: {message}");
    }

    [Theory]
    [InlineData(5)]   // the entry count read from the bytes is absurd
    [InlineData(6)]   // these two start with an entry count of 2, so random bytes are read as an entry name
    [InlineData(23)]
    [InlineData(9)]
    [InlineData(1234)]
    public void Random_bytes_are_called_an_unrecognised_format_with_their_first_bytes_in_printable_form(int seed)
    {
        using var dir = new TempDir();
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        bytes[0] = (byte)(seed % 3 == 0 ? 0x02 : bytes[0]); // some seeds start like a small entry count, so the "key" is read
        string path = dir.File("weights.bin");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(path));
        Assert.Contains($"The file {path} is not a recognised weights format", ex.Message);
        Assert.Contains("Expected a TorchSharp module.save file or Attune checkpoint (LoadPretrained), a safetensors file (LoadSafeTensors)", ex.Message);
        Assert.Contains($"Its first bytes are {bytes[0]:x2} {bytes[1]:x2} {bytes[2]:x2}", ex.Message);
        AssertPrintable(ex.Message);
        Assert.Equal(path, ex.Path);
    }

    [Fact]
    public void A_pytorch_zip_is_named_with_the_conversion_to_do()
    {
        using var dir = new TempDir();
        string path = dir.File("pytorch_model.bin");
        File.WriteAllBytes(path, new byte[] { 0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 });
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(path));
        Assert.Contains("Its first bytes are 50 4b 03 04 00 00 08 08 01 02 03 04 05 06 07 08 |PK..............|, a ZIP archive: PyTorch's torch.save format", ex.Message);
        Assert.Contains("safetensors.torch.save_file", ex.Message);
    }

    [Fact]
    public void A_safetensors_file_given_to_LoadPretrained_points_to_LoadSafeTensors()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        new TinyNet().SaveSafeTensors(path);
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadPretrained(path));
        Assert.Contains("a safetensors file: load it with LoadSafeTensors", ex.Message);
        AssertPrintable(ex.Message);
    }

    [Fact]
    public void Random_bytes_given_to_LoadSafeTensors_show_their_first_bytes_too()
    {
        using var dir = new TempDir();
        var bytes = new byte[512];
        new Random(5).NextBytes(bytes);
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadSafeTensors(path));
        Assert.Contains("the file is truncated or not a safetensors file (its first bytes are ", ex.Message);
        Assert.Contains("expected a TorchSharp module.save file", ex.Message);
        AssertPrintable(ex.Message);
    }

    [Fact]
    public void A_torchsharp_file_given_to_LoadSafeTensors_points_to_LoadPretrained()
    {
        using var dir = new TempDir();
        string path = dir.File("best.bin");
        new TinyNet().save(path);
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadSafeTensors(path));
        Assert.Contains("|..backbone.fc.we|, which looks like a TorchSharp module.save file (an entry count, then a tensor name): load it with LoadPretrained", ex.Message);
    }

    [Fact]
    public void A_directory_given_as_the_weights_file_says_so_and_lists_the_weights_in_it()
    {
        using var dir = new TempDir();
        new TinyNet().SaveSafeTensors(dir.File("model.safetensors"));
        File.WriteAllText(dir.File("config.json"), "{}");
        var ex = Assert.Throws<FileNotFoundException>(() => new TinyNet().LoadPretrained(dir.Path));
        Assert.Equal($"{dir.Path} is a directory; expected a weights file written by module.save (or an Attune checkpoint such as best.bin). It holds model.safetensors: pass the file's path (it has a config.json: a Hugging Face model folder loads whole with Attune.Transformers' FromPretrained(folder)).", ex.Message);
        var safe = Assert.Throws<FileNotFoundException>(() => new TinyNet().LoadSafeTensors(dir.Path));
        Assert.StartsWith($"{dir.Path} is a directory; expected a .safetensors file. It holds model.safetensors", safe.Message);
    }
}
