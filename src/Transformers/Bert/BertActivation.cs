using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Transformers;

/// <summary>The feed-forward activations a BERT layer supports (Hugging Face's <c>hidden_act</c>).</summary>
public enum BertActivation
{
    /// <summary><c>"gelu"</c>: GELU in its exact erf form, x·Φ(x) (what BERT and MiniLM were trained with).</summary>
    Gelu,

    /// <summary><c>"gelu_new"</c> / <c>"gelu_pytorch_tanh"</c>: the tanh approximation of GELU.</summary>
    GeluTanh,

    /// <summary><c>"relu"</c>.</summary>
    Relu,
}

internal static class BertActivations
{
    /// <summary>The <c>hidden_act</c> spellings accepted, with the activation each one names.</summary>
    public static readonly IReadOnlyDictionary<string, BertActivation> ByName = new Dictionary<string, BertActivation>(StringComparer.Ordinal)
    {
        ["gelu"] = BertActivation.Gelu,
        ["gelu_new"] = BertActivation.GeluTanh,
        ["gelu_pytorch_tanh"] = BertActivation.GeluTanh,
        ["relu"] = BertActivation.Relu,
    };

    public static string Supported => "\"gelu\" (erf form), \"gelu_new\" or \"gelu_pytorch_tanh\" (tanh form), \"relu\"";

    public static Tensor Apply(BertActivation activation, Tensor x) => activation switch
    {
        BertActivation.Gelu => nn.functional.gelu(x),
        // Hugging Face's gelu_new is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), which is libtorch's tanh approximation.
        BertActivation.GeluTanh => nn.functional.gelu(x, GELU.Approximate.tanh),
        BertActivation.Relu => nn.functional.relu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown BERT activation."),
    };
}
