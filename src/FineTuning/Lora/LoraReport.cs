using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>One adapter in a <see cref="LoraReport"/>.</summary>
public sealed record LoraAdapterInfo(string Name, int Rank, double Alpha, double Dropout, long InFeatures, long OutFeatures, long Parameters, bool Merged);

/// <summary>
/// What LoRA leaves to train: trainable vs total parameters (elements, adapters included), read from the model's
/// <c>requires_grad</c> flags, so it also counts a trainable head beside the adapters.
/// </summary>
public sealed record LoraReport(IReadOnlyList<LoraAdapterInfo> Adapters, long AdapterParameters, long TrainableParameters, long TotalParameters)
{
    /// <summary>Trainable / total, in [0, 1].</summary>
    public double TrainableShare => TotalParameters == 0 ? 0 : (double)TrainableParameters / TotalParameters;

    /// <summary>The summary line the fine-tune logs.</summary>
    public override string ToString()
    {
        var ranks = Adapters.Select(a => a.Rank).Distinct().OrderBy(r => r).ToList();
        return string.Format(CultureInfo.InvariantCulture,
            "LoRA: {0} adapter(s) (rank {1}) on {2}; {3:N0} adapter weights; {4:N0} trainable of {5:N0} parameters ({6:P2})",
            Adapters.Count, string.Join("/", ranks), Adapters.Count == 0 ? "nothing" : string.Join(", ", Adapters.Select(a => a.Name)),
            AdapterParameters, TrainableParameters, TotalParameters, TrainableShare);
    }

    internal static LoraReport For(nn.Module model)
    {
        var adapters = model.LoraAdapters()
            .Select(a => new LoraAdapterInfo(a.Name, a.Adapter.Rank, a.Adapter.Alpha, a.Adapter.Spec.Dropout,
                a.Adapter.A.shape[1], a.Adapter.B.shape[0], a.Adapter.ParameterCount, a.Adapter.Merged))
            .ToList();
        long trainable = 0, total = 0;
        foreach (var (_, parameter) in model.named_parameters())
        {
            long n = parameter.numel();
            total += n;
            if (parameter.requires_grad) trainable += n;
        }
        return new LoraReport(adapters, adapters.Sum(a => a.Parameters), trainable, total);
    }
}
