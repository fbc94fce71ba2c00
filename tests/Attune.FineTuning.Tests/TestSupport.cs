using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Attune.Search;

// TorchSharp's global random generator and thread settings are process-wide; seeded-reproducibility tests need no
// other test drawing from it meanwhile, and on 2 cores parallel TorchSharp tests gain nothing.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Attune.FineTuning.Tests;

/// <summary>Shared setup: one intra-op thread (fast and deterministic for tiny models).</summary>
internal static class Torch
{
    private static bool s_ready;

    public static void Init()
    {
        if (s_ready) return;
        torch.set_num_threads(1);
        s_ready = true;
    }
}

/// <summary>A hand-written fine-tunable MLP: a backbone (Linear + ReLU) and a head, with a configurable plan.</summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>, IFineTunable
{
#pragma warning disable IDE0044, CA1051 // fields are what RegisterComponents reads
    public Sequential backbone;
    public Linear head;
#pragma warning restore IDE0044, CA1051

    public TinyNet(int inputs = 4, int hidden = 8, int outputs = 3) : base(nameof(TinyNet))
    {
        backbone = nn.Sequential(("fc", nn.Linear(inputs, hidden)), ("act", nn.ReLU()));
        head = nn.Linear(hidden, outputs);
        RegisterComponents();
    }

    public bool FreezeBackbone { get; set; } = true;
    public double? HeadLearningRate { get; set; }
    public Func<Tensor, Tensor, Tensor>? CustomLoss { get; set; }
    public Func<Tensor, Tensor, double>? CustomMetric { get; set; }

    public override Tensor forward(Tensor input) => head.call(backbone.call(input));

    public FineTuneOptions DefaultFineTuneOptions => new() { Epochs = 3, BatchSize = 8, LearningRate = 1e-2 };

    public FineTunePlan CreateFineTunePlan() => new(
        "Attune.FineTuning.Tests.TinyNet",
        new[]
        {
            FieldRule.For(nameof(backbone), backbone, frozen: FreezeBackbone),
            FieldRule.For(nameof(head), head, learningRate: HeadLearningRate),
        },
        CustomLoss, CustomMetric);

    public FineTuneReport Fit(IBatchSource train, IBatchSource validation, FineTuneOptions options,
        IProgress<FineTuneProgress>? progress = null, ILogger? logger = null, CancellationToken token = default, ITrial? observer = null)
        => FineTuner.Run(this, CreateFineTunePlan(), train, validation, options, progress, logger, token, observer);

    /// <summary>Detached copies of every state tensor, to compare bit for bit later (caller disposes).</summary>
    public Dictionary<string, Tensor> Snapshot()
    {
        using var _ = torch.no_grad();
        return state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }
}

internal static class Data
{
    /// <summary>
    /// A learnable 3-class problem: labels are the arg-max of a fixed projection (the same for every seed) of Gaussian features. Made with a
    /// private generator so creating data never moves the global random stream.
    /// </summary>
    public static LabeledTensors Classification(int count, int inputs = 4, int classes = 3, ulong seed = 1)
    {
        using var g = new Generator(seed);
        using var task = new Generator(1000); // the same projection for every split, so validation tests the same task
        var x = torch.randn(new long[] { count, inputs }, generator: g);
        using var w = torch.randn(new long[] { inputs, classes }, generator: task);
        var y = x.matmul(w).argmax(1);
        return new LabeledTensors(x, y);
    }

    /// <summary>A regression problem: y = x·w + noise, labels shaped [count] (or [count, 1]).</summary>
    public static LabeledTensors Regression(int count, int inputs = 4, bool column = false, ulong seed = 2)
    {
        using var g = new Generator(seed);
        using var task = new Generator(1001);
        var x = torch.randn(new long[] { count, inputs }, generator: g);
        using var w = torch.randn(new long[] { inputs }, generator: task);
        var y = x.matmul(w);
        return new LabeledTensors(x, column ? y.unsqueeze(1) : y);
    }

    public static bool SameBits(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = torch.NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }
}

/// <summary>Synchronous progress sink (System.Progress posts to a sync context; tests need the call inline).</summary>
internal sealed class InlineProgress(Action<FineTuneProgress> onReport) : IProgress<FineTuneProgress>
{
    public void Report(FineTuneProgress value) => onReport(value);
}

/// <summary>What a trial receives from a fine-tune after each epoch.</summary>
internal readonly record struct Reported(int Epoch, double Metric);

/// <summary>A stand-in for a sweep's trial: sees each epoch's report as the pruning callback sends it, and prunes when
/// <paramref name="onEpoch"/> returns true.</summary>
internal sealed class Observer(Func<Reported, bool> onEpoch) : ITrial
{
    public int Number => 0;
    public bool ShouldPrune { get; private set; }
    public CancellationToken CancellationToken => CancellationToken.None;
    public void Report(int step, double value) => ShouldPrune |= onEpoch(new Reported(step, value));
}

/// <summary>Collects formatted log lines by level.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Add((logLevel, formatter(state, exception)));
}

/// <summary>A temporary directory removed with the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "attune-rt-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
