using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers.Tests;

/// <summary>A BERT small enough to build in milliseconds, for tests of structure and files.</summary>
internal static class Tiny
{
    public static BertConfig Config { get; } = new()
    {
        VocabSize = 50,
        HiddenSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 32,
        MaxPositionEmbeddings = 24,
        TypeVocabSize = 2,
        HiddenDropoutProb = 0.1,
        AttentionProbsDropoutProb = 0.1,
    };

    /// <summary>Rows of ids (1..49), padded with 0 to the longest; the mask marks real tokens.</summary>
    public static TextBatch Batch(params int[] lengths)
    {
        int t = lengths.Max();
        var ids = new long[lengths.Length * t];
        var mask = new long[lengths.Length * t];
        var random = new Random(7);
        for (int i = 0; i < lengths.Length; i++)
            for (int j = 0; j < lengths[i]; j++) { ids[i * t + j] = random.Next(1, 50); mask[i * t + j] = 1; }
        return new TextBatch(torch.tensor(ids, new long[] { lengths.Length, t }), torch.tensor(mask, new long[] { lengths.Length, t }));
    }
}
