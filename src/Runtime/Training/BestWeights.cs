using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// An in-memory copy of a model's state (parameters and persistent buffers). Cloned once when training starts, then
/// overwritten in place with <c>copy_</c> on every improvement, so keeping the best weights costs no allocation per
/// epoch. The copies live outside every dispose scope and are freed by <see cref="Dispose"/>.
/// </summary>
internal sealed class BestWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _copies = new();

    public BestWeights(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in model.state_dict())
        {
            // Under no_grad a clone does not require grad; no detach() wrapper is needed (it would be one more tensor to free).
            _copies[key] = tensor.clone().DetachFromDisposeScope();
        }
    }

    /// <summary>Overwrites the copy with the model's current state.</summary>
    public void CopyFrom(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in model.state_dict())
            if (_copies.TryGetValue(key, out var copy)) copy.copy_(tensor);
    }

    /// <summary>Writes the copy back into the model.</summary>
    public void RestoreInto(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in model.state_dict())
            if (_copies.TryGetValue(key, out var copy)) tensor.copy_(copy);
    }

    public void Dispose()
    {
        foreach (var copy in _copies.Values) copy.Dispose();
        _copies.Clear();
    }
}
