using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Transformers.Tests;

/// <summary>
/// The real all-MiniLM-L6-v2, read once per test class: the ONNX bytes, the encoder imported from them (timed) and an
/// ONNX Runtime session over the same bytes, the oracle for parity.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        OnnxBytes = ModelPackage.MiniLM().ReadResource("model.onnx");
        var clock = Stopwatch.StartNew();
        Model = new BertModel(BertConfig.MiniLmL6);
        using (var stream = new MemoryStream(OnnxBytes, writable: false))
            Report = Model.LoadOnnx(stream, "model.onnx");
        LoadTime = clock.Elapsed;
        Model.eval();
        Session = new InferenceSession(OnnxBytes);
    }

    public byte[] OnnxBytes { get; }
    public BertModel Model { get; }
    public PretrainedLoadReport Report { get; }
    public TimeSpan LoadTime { get; }
    public InferenceSession Session { get; }

    /// <summary>ONNX Runtime's last_hidden_state for rows of ids (padded with 0 and masked), [B, T, H] row-major.</summary>
    public float[] RunOnnx(long[][] rows, out int length)
    {
        int b = rows.Length;
        length = rows.Max(r => r.Length);
        var ids = new DenseTensor<long>(new[] { b, length });
        var mask = new DenseTensor<long>(new[] { b, length });
        var types = new DenseTensor<long>(new[] { b, length });
        for (int i = 0; i < b; i++)
            for (int t = 0; t < rows[i].Length; t++) { ids[i, t] = rows[i][t]; mask[i, t] = 1; }
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        };
        using var results = Session.Run(inputs);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        return hidden.ToArray();
    }

    /// <summary>The same rows as a padded TextBatch (ids 0 and mask 0 past each row's end; no token types).</summary>
    public static TextBatch Batch(long[][] rows)
    {
        int length = rows.Max(r => r.Length);
        var ids = new long[rows.Length * length];
        var mask = new long[rows.Length * length];
        for (int i = 0; i < rows.Length; i++)
            for (int t = 0; t < rows[i].Length; t++) { ids[i * length + t] = rows[i][t]; mask[i * length + t] = 1; }
        return new TextBatch(torch.tensor(ids, new long[] { rows.Length, length }), torch.tensor(mask, new long[] { rows.Length, length }));
    }

    public void Dispose()
    {
        Session.Dispose();
        Model.Dispose();
    }
}
