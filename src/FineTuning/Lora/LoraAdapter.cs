using System;
using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// The low-rank adapter of one <c>Linear</c>: parameters <c>lora_A</c> (rank × in, Kaiming-uniform as in PEFT) and
/// <c>lora_B</c> (out × rank, zeros, so the layer's output is unchanged until training moves B), registered on the
/// layer itself so they belong to the model's <c>state_dict()</c> ("fc1.lora_A") and therefore to every checkpoint.
/// </summary>
/// <remarks>
/// TorchSharp's <c>Linear</c> is sealed and a user's <c>forward</c> holds it in a field, so the layer cannot be swapped
/// for a LoRA type. The adapter is a forward hook instead: <c>call(x)</c> runs the layer, then adds
/// <c>(alpha/rank)·B(A(dropout(x)))</c> to its output in place. <c>forward(x)</c> skips hooks, which is why adapted
/// layers must be invoked with <c>call</c> (AT0019 at build; the fine-tune checks with its dry batch that every adapter ran).
/// Limits of TorchSharp's <c>Linear</c>: its <c>to(device)</c> moves only weight and bias, so move the model before
/// attaching (a layer whose adapter sits elsewhere, or has another dtype, fails with a message saying so); its <c>Dispose</c> frees only weight
/// and bias, so the GC frees the adapter's tensors (TorchSharp has no public way to unregister a parameter, so an adapter stays
/// attached for the layer's lifetime; merge it to remove its cost).
/// </remarks>
public sealed class LoraAdapter
{
    internal const string AName = "lora_A";
    internal const string BName = "lora_B";
    private static readonly ConditionalWeakTable<Linear, LoraAdapter> s_adapters = new();

    private readonly Scalar _scale;
    private nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover? _hook;

    private LoraAdapter(Linear layer, string name, LoraSpec spec, Parameter a, Parameter b)
    {
        Layer = layer;
        Name = name;
        Spec = spec;
        A = a;
        B = b;
        _scale = spec.Scale.ToScalar();
    }

    /// <summary>The adapted layer.</summary>
    public Linear Layer { get; }
    /// <summary>The layer's name where it was attached ("encoder.layers.0.q"), for messages.</summary>
    public string Name { get; }
    /// <summary>Rank, alpha and dropout (the spec's targets are those of the field it came from).</summary>
    public LoraSpec Spec { get; }
    public int Rank => Spec.Rank;
    public double Alpha => Spec.Alpha;
    /// <summary>alpha / rank.</summary>
    public double Scale => Spec.Scale;
    /// <summary>lora_A, rank × in_features.</summary>
    public Parameter A { get; }
    /// <summary>lora_B, out_features × rank.</summary>
    public Parameter B { get; }
    /// <summary>True while scale·B·A is folded into the layer's weight (the adapter path is then off).</summary>
    public bool Merged { get; private set; }
    /// <summary>Adapter parameters (elements of A and B).</summary>
    public long ParameterCount => A.numel() + B.numel();
    /// <summary>How often the hook ran; the fine-tune uses it to find layers invoked with forward() instead of call().</summary>
    internal long Calls { get; set; }
    internal bool Attached => _hook is not null;

    /// <summary>Turns the adapter path off without merging (outputs are the base layer's); on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The adapter attached to <paramref name="layer"/>, if any.</summary>
    public static LoraAdapter? Of(Linear layer) => s_adapters.TryGetValue(layer, out var adapter) && adapter.Attached ? adapter : null;

    /// <summary>
    /// Attaches an adapter to <paramref name="layer"/> and freezes its weight and bias. Attaching again with the same
    /// rank, alpha and dropout returns the existing adapter (so plans can be rebuilt); different settings are an error.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer already has an adapter with other settings, or already
    /// has parameters named lora_A/lora_B that Attune did not create.</exception>
    internal static LoraAdapter Attach(Linear layer, string name, LoraSpec spec)
    {
        if (Of(layer) is { } existing)
        {
            if (existing.Spec.SameAdapter(spec)) return existing;
            throw new InvalidOperationException(
                $"Linear '{name}' already has a LoRA adapter ({existing.Spec.Describe()}, attached as '{existing.Name}'); asked for {spec.Describe()}. Expected one adapter per layer: attach with the same settings, or start from a fresh model.");
        }
        foreach (var (parameterName, _) in layer.named_parameters(recurse: false))
        {
            if (parameterName is AName or BName)
                throw new InvalidOperationException(
                    $"Linear '{name}' already has a parameter named '{parameterName}' that no attached LoRA adapter owns (was it loaded or registered by hand?); expected a plain Linear with weight and bias only.");
        }

        var weight = layer.weight;
        long outFeatures = weight.shape[0], inFeatures = weight.shape[1];
        Parameter a, b;
        using (torch.no_grad())
        {
            var aData = torch.empty(spec.Rank, inFeatures, dtype: weight.dtype, device: weight.device);
            nn.init.kaiming_uniform_(aData, a: Math.Sqrt(5));   // PEFT's init for lora_A (and Linear's own)
            a = new Parameter(aData, requires_grad: true);
            b = new Parameter(torch.zeros(outFeatures, spec.Rank, dtype: weight.dtype, device: weight.device), requires_grad: true);
        }
        a.DetachFromDisposeScope();
        b.DetachFromDisposeScope();
        layer.register_parameter(AName, a);
        layer.register_parameter(BName, b);
        weight.requires_grad = false;
        if (layer.bias is { } bias) bias.requires_grad = false;

        var adapter = new LoraAdapter(layer, name, spec, a, b);
        adapter._hook = layer.register_forward_hook(adapter.Forward);
        s_adapters.AddOrUpdate(layer, adapter);
        return adapter;
    }

    private Tensor Forward(nn.Module<Tensor, Tensor> module, Tensor input, Tensor output)
    {
        Calls++;
        if (Merged || !Enabled) return output;
        if (A.device_type != input.device_type || A.device_index != input.device_index || A.dtype != Layer.weight.dtype)
            throw new InvalidOperationException(
                $"The LoRA adapter of '{Name}' is {A.dtype} on {A.device} but the layer's weight is {Layer.weight.dtype} and its input on {input.device}: the model was moved or converted after the adapter was attached, and TorchSharp's Linear.to() moves only weight and bias. Move or convert the model before attaching LoRA (or before RunFineTune).");
        using var scope = torch.NewDisposeScope();
        var x = Spec.Dropout > 0 && module.training ? nn.functional.dropout(input, Spec.Dropout, training: true) : input;
        var delta = nn.functional.linear(nn.functional.linear(x, A), B);
        // In place: the base output is not saved for backward by linear, and no second out-sized tensor is made.
        return output.add_(delta, _scale);
    }

    /// <summary>Folds scale·B·A into the layer's weight and turns the adapter path off: same outputs, no adapter cost.</summary>
    /// <exception cref="InvalidOperationException">Already merged.</exception>
    public void Merge()
    {
        if (Merged) throw new InvalidOperationException($"The LoRA adapter of '{Name}' is already merged; unmerge it first.");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Layer.weight.add_(torch.matmul(B, A), _scale);
        Merged = true;
    }

    /// <summary>Subtracts scale·B·A from the weight again (the inverse of <see cref="Merge"/>, to float rounding) and
    /// turns the adapter path back on.</summary>
    /// <exception cref="InvalidOperationException">Not merged.</exception>
    public void Unmerge()
    {
        if (!Merged) throw new InvalidOperationException($"The LoRA adapter of '{Name}' is not merged; there is nothing to unmerge.");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var negative = (-Scale).ToScalar();
        Layer.weight.add_(torch.matmul(B, A), negative);
        Merged = false;
    }
}
