using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// An in-memory copy of a model's state (parameters and persistent buffers). Cloned once when training starts, then
/// overwritten in place with <c>copy_</c> on every improvement, so keeping the best weights costs no allocation per
/// epoch. The (model tensor, copy) pairs are taken once: a module's parameters and buffers stay the same objects during
/// a run, and rebuilding <c>state_dict()</c> on every improvement measurably cost short runs (docs/benchmark-logs/2026-11-24-finetune-leak.md).
/// The copies live outside every dispose scope and are freed by <see cref="Dispose"/>.
/// </summary>
internal sealed class BestWeights : IDisposable
{
    private readonly nn.Module _model;
    private readonly List<(Tensor Source, Tensor Copy)> _pairs = new();

    public BestWeights(nn.Module model)
    {
        _model = model;
        using var noGrad = torch.no_grad();
        foreach (var (_, tensor) in model.state_dict())
        {
            // Under no_grad a clone does not require grad; no detach() wrapper is needed (it would be one more tensor to free).
            _pairs.Add((tensor, tensor.clone().DetachFromDisposeScope()));
        }
    }

    /// <summary>Overwrites the copy with the model's current state.</summary>
    public void CopyFrom(nn.Module model)
    {
        EnsureSameModel(model);
        using var noGrad = torch.no_grad();
        foreach (var (source, copy) in _pairs) copy.copy_(source);
    }

    /// <summary>Writes the copy back into the model.</summary>
    public void RestoreInto(nn.Module model)
    {
        EnsureSameModel(model);
        using var noGrad = torch.no_grad();
        foreach (var (source, copy) in _pairs) source.copy_(copy);
    }

    /// <summary>Writes the copy (for a resume checkpoint): the tensor count, then each tensor in state_dict order.</summary>
    public void Save(System.IO.BinaryWriter writer)
    {
        writer.Write(_pairs.Count);
        foreach (var (_, copy) in _pairs) copy.Save(writer);
    }

    /// <summary>Reads a copy written by <see cref="Save"/> into this one (same model shape, checked by the caller's plan
    /// comparison; a different tensor count is refused).</summary>
    public void Load(System.IO.BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count != _pairs.Count)
            throw new System.IO.InvalidDataException($"The saved best weights hold {count} tensors; expected {_pairs.Count}, one per entry of the model's state_dict.");
        using var noGrad = torch.no_grad();
        foreach (var (_, copy) in _pairs) copy.Load(reader);
    }

    private void EnsureSameModel(nn.Module model)
    {
        if (!ReferenceEquals(model, _model))
            throw new InvalidOperationException("BestWeights belongs to another model; create one per model.");
    }

    public void Dispose()
    {
        foreach (var (_, copy) in _pairs) copy.Dispose();
        _pairs.Clear();
    }
}
