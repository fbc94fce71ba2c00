using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Attune.FineTuning;

namespace Attune.Transformers;

public sealed partial class BertModel
{
    /// <summary>
    /// Builds an encoder from a Hugging Face model folder (<c>config.json</c> + <c>model.safetensors</c>, as
    /// <c>save_pretrained</c> writes it, of a <c>BertModel</c> or any <c>BertFor…</c> model).
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="ignoreUnknownConfigFields">Accept config.json fields Attune does not know (see <see cref="BertConfig.FromJson"/>).</param>
    /// <exception cref="BertConfigException">config.json is not a supported BERT configuration.</exception>
    /// <exception cref="PretrainedLoadException">The weights do not fit (names the keys and shapes).</exception>
    public static BertModel FromPretrained(string folder, bool ignoreUnknownConfigFields = false)
    {
        var config = HuggingFaceFolder.ReadConfig(folder, ignoreUnknownConfigFields);
        return LoadedModel.Create(new BertModel(config), m => m.LoadPretrained(folder));
    }

    /// <summary>
    /// Loads a Hugging Face folder's weights into this encoder. Keys may carry a <c>bert.</c> prefix (checkpoints of
    /// <c>BertFor…</c> models) or not; heads this model lacks (<c>cls.…</c>, <c>classifier.…</c>) are left out and
    /// listed in <see cref="PretrainedLoadReport.Skipped"/>, and so is the pooler when the checkpoint has none. Every
    /// other key must match in name and shape, both ways, or nothing is loaded.
    /// </summary>
    /// <param name="folder">The folder (config.json must describe the same architecture).</param>
    /// <param name="skip">Key prefixes of this model to leave as they are.</param>
    public PretrainedLoadReport LoadPretrained(string folder, IEnumerable<string>? skip = null)
        => HuggingFaceFolder.Load(this, Config, folder, "", ["pooler"], skip);

    /// <summary>
    /// Writes <c>config.json</c> (architectures ["BertModel"]) and <c>model.safetensors</c> (float32, Hugging Face keys,
    /// format "pt") into <paramref name="folder"/>, created if needed: <c>transformers.BertModel.from_pretrained</c>
    /// and <see cref="FromPretrained"/> read it back.
    /// </summary>
    public void SavePretrained(string folder) => HuggingFaceFolder.Save(this, Config, folder, "BertModel");

    /// <summary>
    /// Saves as <see cref="SavePretrained(string)"/> with the task's label mapping in config.json (<c>id2label</c>,
    /// <c>label2id</c>, as Hugging Face keeps it), so the classes travel with the weights:
    /// <c>LabelMap.FromId2Label(BertConfig.Load(folder + "/config.json").Id2Label)</c> gets them back.
    /// </summary>
    public void SavePretrained(string folder, LabelMap labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var config = Config with
        {
            Id2Label = labels.Id2Label,
            Label2Id = labels.Names.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index),
        };
        HuggingFaceFolder.Save(this, config, folder, "BertModel");
    }
}
