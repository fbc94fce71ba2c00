namespace Attune.Transformers.Tests;

/// <summary>The model package is read from the NuGet cache without loading its assembly.</summary>
public class ModelPackageTests
{
    [Fact]
    public void MiniLmPackageHoldsTheOnnxModelAndTheVocabulary()
    {
        var package = ModelPackage.MiniLM();
        using var onnx = package.OpenResource("model.onnx");
        Assert.Equal(90_893_304, onnx.Length);
        var vocab = System.Text.Encoding.UTF8.GetString(package.ReadResource("vocab.txt"));
        var lines = vocab.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30_522, lines.Length);
        Assert.Equal("[PAD]", lines[0].TrimEnd('\r'));
    }

    [Fact]
    public void AMissingResourceNamesWhatThePackageHolds()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ModelPackage.MiniLM().OpenResource("tokenizer.json"));
        Assert.Contains("model.onnx", ex.Message);
        Assert.Contains("vocab.txt", ex.Message);
    }

    [Fact]
    public void AMissingPackageSaysHowToGetIt()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ModelPackage.Open("No.Such.Model", "1.0.0", "No.Such.Model.dll"));
        Assert.Contains("<PackageDownload Include=\"No.Such.Model\" Version=\"[1.0.0]\" />", ex.Message);
    }
}
