using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// What a fine-tune does about LoRA beyond the plan: refuse merged adapters (their gradients would never flow), check
/// with the dry batch that every adapter's hook ran (a layer invoked with <c>forward(x)</c> skips it, and would train
/// nothing while looking adapted), log the trainable share, and put the <see cref="LoraReport"/> into the run's report.
/// </summary>
internal sealed class LoraRun
{
    private static readonly Action<ILogger, string, Exception?> s_adapters = LoggerMessage.Define<string>(
        LogLevel.Information, new EventId(20, "LoraAdapters"), "{LoraSummary}");

    private readonly nn.Module _model;
    private readonly IReadOnlyList<(string Name, LoraAdapter Adapter)> _adapters;
    private LoraReport? _report;

    private LoraRun(nn.Module model, IReadOnlyList<(string Name, LoraAdapter Adapter)> adapters)
    {
        _model = model;
        _adapters = adapters;
    }

    /// <summary>Null when the model has no adapters. Call before the dry batch.</summary>
    /// <exception cref="InvalidOperationException">An adapter is merged.</exception>
    public static LoraRun? Start(nn.Module model, string modelName)
    {
        var adapters = model.LoraAdapters();
        if (adapters.Count == 0) return null;
        var merged = adapters.Where(a => a.Adapter.Merged).Select(a => a.Name).ToList();
        if (merged.Count > 0)
            throw new InvalidOperationException(
                $"Cannot fine-tune {modelName}: the LoRA adapters of {string.Join(", ", merged)} are merged into their base weights, so they would get no gradient. Call UnmergeLora() before fine-tuning.");
        foreach (var (_, adapter) in adapters) adapter.Calls = 0;
        return new LoraRun(model, adapters);
    }

    /// <summary>After the dry batch: every adapter must have run; then log the trainable share.</summary>
    /// <exception cref="InvalidOperationException">An adapted layer was not invoked through <c>call</c>.</exception>
    public void Verify(string modelName, ILogger logger)
    {
        var silent = _adapters.Where(a => a.Adapter.Calls == 0).Select(a => a.Name).ToList();
        if (silent.Count > 0)
            throw new InvalidOperationException(
                $"The LoRA adapters of {string.Join(", ", silent)} in {modelName} did not run during the model's forward pass. Either forward invokes the layer with .forward(x), which skips TorchSharp's hooks and so the adapter (use .call(x) instead; Sequential already does), or the layer is not used at all (then remove it from [Lora] or its Targets).");
        _report = LoraReport.For(_model);
        if (logger.IsEnabled(LogLevel.Information)) s_adapters(logger, _report.ToString(), null);
    }

    public FineTuneReport Annotate(FineTuneReport report) => report with { Lora = _report ?? LoraReport.For(_model) };
}
