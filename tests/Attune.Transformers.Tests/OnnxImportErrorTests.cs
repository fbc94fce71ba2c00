namespace Attune.Transformers.Tests;

/// <summary>Input that is not an ONNX export of a BERT model fails clearly, without echoing its bytes.</summary>
public class OnnxImportErrorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomBytesAreNotAnOnnxModel(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        using var model = new BertModel(Tiny.Config);
        var ex = Assert.Throws<InvalidDataException>(() => model.LoadOnnx(new MemoryStream(bytes), "garbage.onnx"));
        Assert.StartsWith("garbage.onnx is not an ONNX model", ex.Message);
        Assert.True(ex.Message.Length < 400, ex.Message);
        Assert.All(ex.Message, c => Assert.True(c >= ' ' && c < 0x7f || c == '…', $"unexpected character U+{(int)c:X4} in: {ex.Message}"));
    }

    [Fact]
    public void AnEmptyStreamIsNotAnOnnxModel()
    {
        using var model = new BertModel(Tiny.Config);
        var ex = Assert.Throws<InvalidDataException>(() => model.LoadOnnx(new MemoryStream(), "empty.onnx"));
        Assert.Contains("empty.onnx is not an ONNX model", ex.Message);
    }
}
