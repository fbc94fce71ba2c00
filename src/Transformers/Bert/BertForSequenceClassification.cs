using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>
/// A BERT encoder with a linear classification head: logits = classifier(dropout(pool(bert(batch)))), [B, classes].
/// Keys match Hugging Face's <c>BertForSequenceClassification</c> (<c>bert.…</c>, <c>classifier.weight/bias</c>).
/// With <see cref="Pooling.Pooler"/> (the default) it is Hugging Face's model; <see cref="Pooling.Mean"/> pools the
/// way sentence encoders such as MiniLM were trained, often the better start for them.
/// </summary>
public sealed partial class BertForSequenceClassification : nn.Module<TextBatch, Tensor>
{
#pragma warning disable IDE1006
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>A classifier over a fresh encoder (load pretrained weights into <see cref="Bert"/>).</summary>
    /// <param name="config">The encoder's architecture; its <c>id2label</c> gives the classes unless
    /// <paramref name="numLabels"/> does.</param>
    /// <param name="numLabels">The number of classes; null takes <see cref="BertConfig.NumLabels"/>.</param>
    /// <param name="pooling">How the sequence becomes one vector.</param>
    public BertForSequenceClassification(BertConfig config, int? numLabels = null, Pooling pooling = Pooling.Pooler)
        : this(new BertModel(config ?? throw new ArgumentNullException(nameof(config)), addPoolingLayer: pooling == Pooling.Pooler), numLabels, pooling)
    {
    }

    /// <summary>A classifier over an existing encoder (for example one loaded with <see cref="BertModel.FromOnnx(System.IO.Stream, BertConfig, string?)"/>).</summary>
    public BertForSequenceClassification(BertModel encoder, int? numLabels = null, Pooling pooling = Pooling.Pooler)
        : base(nameof(BertForSequenceClassification))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var config = encoder.Config;
        int labels = numLabels ?? config.NumLabels;
        if (labels <= 0)
            throw new ArgumentException(numLabels is null
                ? "The configuration has no id2label, so the number of classes is unknown; pass numLabels."
                : $"numLabels is {labels}, expected at least 1.", nameof(numLabels));
        if (pooling == Pooling.Pooler && encoder.Pooler is null)
            throw new ArgumentException("Pooling.Pooler needs an encoder with a pooler (addPoolingLayer: true); use Pooling.Cls or Pooling.Mean.", nameof(pooling));
        if (config.NumLabels != 0 && config.NumLabels != labels)
            throw new ArgumentException($"numLabels is {labels} but the configuration's id2label describes {config.NumLabels} classes; drop one or make them agree (config with {{ Id2Label = … }}).", nameof(numLabels));
        Pooling = pooling;
        NumLabels = labels;
        bert = encoder;
        dropout = nn.Dropout(config.ClassifierDropout ?? config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, labels);
        BertInitialization.Linear(classifier, config.InitializerRange);
        RegisterComponents();
    }

    /// <summary>The encoder (keys <c>bert.…</c>).</summary>
    public BertModel Bert => bert;

    /// <summary>The head (keys <c>classifier.weight</c>, <c>classifier.bias</c>).</summary>
    public Linear Classifier => classifier;

    public Pooling Pooling { get; }

    public int NumLabels { get; }

    /// <summary>Logits [B, classes].</summary>
    public override Tensor forward(TextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = torch.NewDisposeScope();
        var hidden = bert.call(batch);
        var pooled = bert.Pool(hidden, batch.AttentionMask, Pooling);
        return classifier.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}
