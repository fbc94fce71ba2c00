using System;
using System.Collections.Generic;
using Attune.FineTuning;

namespace Attune.Transformers;

public sealed partial class BertForSequenceClassification
{
    /// <summary>
    /// Builds a classifier from a Hugging Face folder: a fine-tuned <c>BertForSequenceClassification</c> (its head and
    /// <c>id2label</c> load too) or a plain encoder checkpoint (the head stays freshly initialised and is reported as
    /// skipped; pass <paramref name="numLabels"/>).
    /// </summary>
    public static BertForSequenceClassification FromPretrained(string folder, int? numLabels = null, Pooling pooling = Pooling.Pooler,
        bool ignoreUnknownConfigFields = false)
    {
        var config = HuggingFaceFolder.ReadConfig(folder, ignoreUnknownConfigFields);
        if (numLabels is { } n && config.NumLabels != 0 && config.NumLabels != n)
            config = config with { Id2Label = new Dictionary<int, string>(), Label2Id = new Dictionary<string, int>() };
        return LoadedModel.Create(new BertForSequenceClassification(config, numLabels, pooling), m => m.LoadPretrained(folder));
    }

    /// <summary>
    /// Loads a Hugging Face folder into this classifier: encoder keys with or without the <c>bert.</c> prefix; the
    /// head (<c>classifier.weight/bias</c>) when the checkpoint has one (its shape must fit), otherwise left as it is
    /// and listed under Skipped, as are other heads in the file.
    /// </summary>
    public PretrainedLoadReport LoadPretrained(string folder, IEnumerable<string>? skip = null)
        => HuggingFaceFolder.Load(this, bert.Config, folder, "bert.", ["classifier", "bert.pooler"], skip);

    /// <summary>Writes a Hugging Face folder (architectures ["BertForSequenceClassification"], keys <c>bert.…</c>, <c>classifier.…</c>, the label map in config.json).</summary>
    public void SavePretrained(string folder)
    {
        var config = bert.Config;
        if (config.NumLabels != NumLabels)
        {
            // Hugging Face sizes the head from id2label, so write one that says how many classes there are.
            var id2label = new Dictionary<int, string>();
            for (int i = 0; i < NumLabels; i++) id2label[i] = "LABEL_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var label2id = new Dictionary<string, int>();
            foreach (var (i, l) in id2label) label2id[l] = i;
            config = config with { Id2Label = id2label, Label2Id = label2id };
        }
        HuggingFaceFolder.Save(this, config, folder, "BertForSequenceClassification");
    }
}
