using Attune.Transformers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Bench.Encoder;

// STOPGAP, benchmark only. A BERT encoder built from TorchSharp modules inside bench/ because src/Transformers/Bert
// (the library's BertModel, BertConfig.MiniLmL6, ONNX loading) was not on main when these benchmarks were written.
// It follows Hugging Face's BertModel (and bench/pytorch/minilm_finetune.py) line by line: post-LayerNorm layers,
// GELU (erf), LayerNorm eps 1e-12, additive mask (1 - mask) * -10000, dropout 0.1 on hidden states and attention
// probabilities; parameter names are Hugging Face's, so the ONNX initializers load by name. Replace it with the
// library's BertModel when that lands; the benchmark code only needs an nn.Module<TextBatch, Tensor> classifier.

internal sealed record BertShape(int Hidden = 384, int Layers = 6, int Heads = 12, int Intermediate = 1536, int Vocab = 30522, int Positions = 512, int Types = 2)
{
    public static BertShape MiniLmL6 { get; } = new();
    /// <summary>Parameters of the transformer layers' Linear weights (no biases, embeddings or norms).</summary>
    public long LayerLinearWeights => (long)Layers * (4L * Hidden * Hidden + 2L * Hidden * Intermediate);
}

internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051 // Hugging Face's names
    public Linear query, key, value;
    public Dropout dropout;
#pragma warning restore IDE1006, CA1051
    private readonly int _heads, _headSize;

    public BertSelfAttention(BertShape s) : base("BertSelfAttention")
    {
        query = nn.Linear(s.Hidden, s.Hidden); key = nn.Linear(s.Hidden, s.Hidden); value = nn.Linear(s.Hidden, s.Hidden);
        dropout = nn.Dropout(0.1);
        _heads = s.Heads; _headSize = s.Hidden / s.Heads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        long b = x.shape[0], t = x.shape[1];
        Tensor Heads(Tensor y) => y.view(b, t, _heads, _headSize).transpose(1, 2);
        var q = Heads(query.call(x)); var k = Heads(key.call(x)); var v = Heads(value.call(x));
        var scores = torch.matmul(q, k.transpose(-1, -2)).div(Math.Sqrt(_headSize)).add(additiveMask);
        var probs = dropout.call(nn.functional.softmax(scores, -1));
        return torch.matmul(probs, v).transpose(1, 2).reshape(b, t, _heads * _headSize);
    }
}

/// <summary>Linear, dropout, residual add, LayerNorm (BertSelfOutput / BertOutput).</summary>
internal sealed class BertDenseNorm : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public Linear dense;
    public LayerNorm LayerNorm;
    public Dropout dropout;
#pragma warning restore IDE1006, CA1051

    public BertDenseNorm(int inputs, BertShape s) : base("BertDenseNorm")
    {
        dense = nn.Linear(inputs, s.Hidden); LayerNorm = nn.LayerNorm(s.Hidden, eps: 1e-12); dropout = nn.Dropout(0.1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual) => LayerNorm.call(dropout.call(dense.call(x)).add(residual));
}

internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public BertSelfAttention @self;
    public BertDenseNorm output;
#pragma warning restore IDE1006, CA1051

    public BertAttention(BertShape s) : base("BertAttention")
    {
        @self = new BertSelfAttention(s); output = new BertDenseNorm(s.Hidden, s);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask) => output.call(@self.call(x, additiveMask), x);
}

internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public Linear dense;
#pragma warning restore IDE1006, CA1051

    public BertIntermediate(BertShape s) : base("BertIntermediate") { dense = nn.Linear(s.Hidden, s.Intermediate); RegisterComponents(); }

    public override Tensor forward(Tensor x) => nn.functional.gelu(dense.call(x)); // erf form
}

internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public BertAttention attention;
    public BertIntermediate intermediate;
    public BertDenseNorm output;
#pragma warning restore IDE1006, CA1051

    public BertLayer(BertShape s) : base("BertLayer")
    {
        attention = new BertAttention(s); intermediate = new BertIntermediate(s); output = new BertDenseNorm(s.Intermediate, s);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        var a = attention.call(x, additiveMask);
        return output.call(intermediate.call(a), a);
    }
}

internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public Embedding word_embeddings, position_embeddings, token_type_embeddings;
    public LayerNorm LayerNorm;
    public Dropout dropout;
#pragma warning restore IDE1006, CA1051

    public BertEmbeddings(BertShape s) : base("BertEmbeddings")
    {
        word_embeddings = nn.Embedding(s.Vocab, s.Hidden);
        position_embeddings = nn.Embedding(s.Positions, s.Hidden);
        token_type_embeddings = nn.Embedding(s.Types, s.Hidden);
        LayerNorm = nn.LayerNorm(s.Hidden, eps: 1e-12);
        dropout = nn.Dropout(0.1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids, Tensor tokenTypes)
    {
        var positions = torch.arange(ids.shape[1], dtype: ScalarType.Int64).unsqueeze(0);
        var x = word_embeddings.call(ids).add(position_embeddings.call(positions)).add(token_type_embeddings.call(tokenTypes));
        return dropout.call(LayerNorm.call(x));
    }
}

/// <summary>STOPGAP BertModel without the pooler: (ids, mask, token types) → last hidden state [b, t, hidden].</summary>
internal sealed class StopgapBertModel : nn.Module<TextBatch, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public BertEmbeddings embeddings;
    public BertEncoder encoder;
#pragma warning restore IDE1006, CA1051

    public StopgapBertModel(BertShape s) : base("StopgapBertModel")
    {
        embeddings = new BertEmbeddings(s); encoder = new BertEncoder(s);
        RegisterComponents();
    }

    public override Tensor forward(TextBatch batch)
    {
        var types = batch.TokenTypeIds ?? torch.zeros_like(batch.InputIds);
        var additive = torch.ones(1).sub(batch.AttentionMask.unsqueeze(1).unsqueeze(1).to(ScalarType.Float32)).mul(-10000.0);
        return encoder.call(embeddings.call(batch.InputIds, types), additive);
    }

    /// <summary>Copies the Hugging Face-named tensors in; every encoder parameter must be found, with its shape.</summary>
    public int Load(OnnxWeights.Weights weights)
    {
        using var noGrad = torch.no_grad();
        int loaded = 0;
        var problems = new List<string>();
        foreach (var (name, tensor) in state_dict())
        {
            if (!weights.Tensors.TryGetValue(name, out var w)) { problems.Add($"{name}: missing"); continue; }
            if (!w.Shape.SequenceEqual(tensor.shape)) { problems.Add($"{name}: shape [{string.Join(",", w.Shape)}] vs [{string.Join(",", tensor.shape)}]"); continue; }
            using var source = torch.tensor(w.Data, w.Shape);
            tensor.copy_(source);
            loaded++;
        }
        var extra = weights.Tensors.Keys.Where(k => !k.StartsWith("pooler.", StringComparison.Ordinal)).Except(state_dict().Keys).ToList();
        if (problems.Count > 0 || extra.Count > 0)
            throw new InvalidDataException($"ONNX weights do not fit the encoder: {string.Join("; ", problems.Take(5))}; extra: {string.Join(", ", extra.Take(5))}");
        return loaded;
    }
}

internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public ModuleList<BertLayer> layer;
#pragma warning restore IDE1006, CA1051

    public BertEncoder(BertShape s) : base("BertEncoder")
    {
        layer = nn.ModuleList(Enumerable.Range(0, s.Layers).Select(_ => new BertLayer(s)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor additiveMask)
    {
        foreach (var l in layer) x = l.call(x, additiveMask);
        return x;
    }
}

/// <summary>Encoder, mask-weighted mean pooling, dropout 0.1, Linear(hidden, 2): the benchmark's classifier.</summary>
internal sealed class ReviewClassifier : nn.Module<TextBatch, Tensor>
{
#pragma warning disable IDE1006, CA1051
    public nn.Module<TextBatch, Tensor> bert;
    public Dropout dropout;
    public Linear head;
#pragma warning restore IDE1006, CA1051

    public ReviewClassifier(nn.Module<TextBatch, Tensor> encoder, int hidden, int classes = 2) : base("ReviewClassifier")
    {
        bert = encoder; dropout = nn.Dropout(0.1); head = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    public override Tensor forward(TextBatch batch)
    {
        var h = bert.call(batch);
        var m = batch.AttentionMask.unsqueeze(-1).to(h.dtype);
        var pooled = h.mul(m).sum(1).div(m.sum(1).clamp_min(1e-9));
        return head.call(dropout.call(pooled));
    }
}
