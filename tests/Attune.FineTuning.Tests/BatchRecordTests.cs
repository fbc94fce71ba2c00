using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// Models whose input is a batch record of several tensors (token ids and an attention mask, as a text encoder takes
/// them) train through the same loop as tensor models: checks before the first step, evaluation, checkpoints and resume.
/// </summary>
public class BatchRecordTests
{
    public BatchRecordTests() => Torch.Init();

    [Fact]
    public void A_batch_record_model_trains_and_its_validation_metric_improves()
    {
        torch.manual_seed(5);
        var model = new MaskedBagNet();
        var options = new FineTuneOptions { Epochs = 6, BatchSize = 8, LearningRate = 5e-2, Metric = Metric.Accuracy, Seed = 3 };
        var report = FineTuner.Run(model, model.Plan(), TokenRows.Task(96, seed: 1), TokenRows.Task(48, seed: 2), options);

        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.True(report.Epochs[^1].TrainLoss < report.Epochs[0].TrainLoss, $"train loss {report.Epochs[0].TrainLoss} -> {report.Epochs[^1].TrainLoss}");
        Assert.True(report.BestMetric >= 0.9, $"validation accuracy {report.BestMetric}");
        Assert.Equal(6 * 12, report.TotalSteps); // 96 examples in batches of 8, counted from the labels
    }

    [Fact]
    public void A_label_out_of_range_names_the_batch_records_tensors()
    {
        var model = new MaskedBagNet();
        var bad = TokenRows.Task(16, seed: 1, labelOffset: 5);
        var ex = Assert.Throws<FineTuneDataException>(() =>
            FineTuner.Run(model, model.Plan(), bad, TokenRows.Task(8, seed: 2), new FineTuneOptions { Epochs = 1, BatchSize = 8 }));
        Assert.Contains("features ids [8, 7] int64, mask [8, 7] int64", ex.Message);
        Assert.Contains("class labels in [0, 2)", ex.Message);
    }

    [Fact]
    public void A_forward_that_fails_reports_the_records_shapes()
    {
        var model = new MaskedBagNet(vocabulary: 4); // ids up to 9 do not fit a 4-token embedding
        var ex = Assert.Throws<FineTuneDataException>(() =>
            FineTuner.Run(model, model.Plan(), TokenRows.Task(16, seed: 1), TokenRows.Task(8, seed: 2), new FineTuneOptions { Epochs = 1, BatchSize = 8 }));
        Assert.Contains("the model's forward pass failed", ex.Message);
        Assert.Contains("ids [8, 7] int64", ex.Message);
    }

    [Fact]
    public void An_interrupted_batch_record_run_resumes_bit_identical()
    {
        using var plain = new TempDir();
        using var split = new TempDir();
        FineTuneOptions Options(string dir) => new()
        {
            Epochs = 4, BatchSize = 8, LearningRate = 5e-2, Metric = Metric.Accuracy, Seed = 9, CheckpointDirectory = dir,
            Schedule = LrSchedule.Cosine, Patience = 0,
        };

        torch.manual_seed(1);
        var reference = new MaskedBagNet(dropout: 0.2);
        FineTuner.Run(reference, reference.Plan(), TokenRows.Task(64, 1), TokenRows.Task(16, 2), Options(plain.Path));

        torch.manual_seed(1);
        var first = new MaskedBagNet(dropout: 0.2);
        using var cts = new CancellationTokenSource();
        var progress = new InlineProgress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 2) cts.Cancel(); });
        var interrupted = FineTuner.Run(first, first.Plan(), TokenRows.Task(64, 1), TokenRows.Task(16, 2), Options(split.Path), progress, cancellationToken: cts.Token);
        Assert.Equal(StopReason.Cancelled, interrupted.StopReason);

        torch.manual_seed(77); // other initial weights: the resume overwrites them
        var resumed = new MaskedBagNet(dropout: 0.2);
        var report = FineTuner.Run(resumed, resumed.Plan(), TokenRows.Task(64, 1), TokenRows.Task(16, 2), Options(split.Path) with { Resume = true });
        Assert.Equal(2, report.ResumedFromEpoch);

        var a = reference.state_dict();
        var b = resumed.state_dict();
        foreach (var key in a.Keys) Assert.True(Data.SameBits(a[key], b[key]), "differs: " + key);
    }
}

/// <summary>Token ids with their mask: the batch record of these tests.</summary>
internal sealed class TokenBatch(Tensor ids, Tensor mask) : IModelInput
{
    public Tensor Ids { get; } = ids;
    public Tensor Mask { get; } = mask;
    public string Describe() => $"ids {Shapes.Describe(Ids)}, mask {Shapes.Describe(Mask)}";
}

/// <summary>
/// Rows of up to 7 token ids (1..9), padded with 0 and masked; the label says whether token 3 occurs among the real
/// tokens — learnable by a bag of embeddings, and only if padding is masked out (padding id 0 never carries the answer).
/// </summary>
internal sealed class TokenRows : IBatchSource<TokenBatch>
{
    private readonly Tensor _ids, _mask, _labels;

    private TokenRows(Tensor ids, Tensor mask, Tensor labels) { _ids = ids; _mask = mask; _labels = labels; }

    public static TokenRows Task(int count, ulong seed, long labelOffset = 0)
    {
        using var g = new Generator(seed);
        var ids = torch.randint(1, 10, new long[] { count, 7 }, generator: g, dtype: ScalarType.Int64);
        var lengths = torch.randint(2, 8, new long[] { count, 1 }, generator: g, dtype: ScalarType.Int64);
        var mask = torch.arange(7).unsqueeze(0).lt(lengths).to(ScalarType.Int64);
        ids = ids * mask;
        var labels = ids.eq(3).any(1).to(ScalarType.Int64) + labelOffset;
        return new TokenRows(ids, mask, labels);
    }

    public long Count => _labels.shape[0];

    public IEnumerable<(TokenBatch Features, Tensor Labels)> Batches(int batchSize, bool shuffle, Generator? generator)
    {
        long n = Count;
        using var order = (shuffle ? torch.randperm(n, generator: generator) : torch.arange(n)).DetachFromDisposeScope();
        for (long start = 0; start < n; start += batchSize)
        {
            var index = order.narrow(0, start, Math.Min(batchSize, n - start));
            yield return (new TokenBatch(_ids.index_select(0, index), _mask.index_select(0, index)), _labels.index_select(0, index));
        }
    }
}

/// <summary>A masked bag of embeddings and a linear head: nn.Module&lt;TokenBatch, Tensor&gt;.</summary>
internal sealed class MaskedBagNet : nn.Module<TokenBatch, Tensor>
{
#pragma warning disable IDE0044, CA1051 // fields are what RegisterComponents reads
    public Embedding embedding;
    public Dropout dropout;
    public Linear head;
#pragma warning restore IDE0044, CA1051

    public MaskedBagNet(int vocabulary = 10, double dropout = 0) : base(nameof(MaskedBagNet))
    {
        embedding = nn.Embedding(vocabulary, 8);
        this.dropout = nn.Dropout(dropout);
        head = nn.Linear(8, 2);
        RegisterComponents();
    }

    public override Tensor forward(TokenBatch batch)
    {
        var mask = batch.Mask.unsqueeze(-1).to(ScalarType.Float32);
        var pooled = (embedding.call(batch.Ids) * mask).sum(1) / mask.sum(1).clamp_min(1);
        return head.call(dropout.call(pooled));
    }

    public FineTunePlan Plan() => new("Attune.FineTuning.Tests.MaskedBagNet", new[]
    {
        FieldRule.For(nameof(embedding), embedding),
        FieldRule.For(nameof(head), head),
    });
}

/// <summary>FineTuner.Evaluate measures a trained model on held-out data with several built-in metrics.</summary>
public class EvaluateTests
{
    public EvaluateTests() => Torch.Init();

    [Fact]
    public void Evaluate_reports_each_metric_asked_for_and_matches_a_hand_count()
    {
        torch.manual_seed(5);
        var model = new MaskedBagNet();
        FineTuner.Run(model, model.Plan(), TokenRows.Task(96, seed: 1), TokenRows.Task(48, seed: 2),
            new FineTuneOptions { Epochs = 3, BatchSize = 8, LearningRate = 5e-2, Seed = 3 });
        var test = TokenRows.Task(40, seed: 9);

        var result = FineTuner.Evaluate(model, test, batchSize: 16, metrics: new[] { Metric.Accuracy, Metric.MacroF1 });

        long correct = 0;
        using (torch.no_grad())
            foreach (var (x, y) in test.Batches(40, false, null))
                correct = model.call(x).argmax(1).eq(y).sum().item<long>();
        Assert.Equal(40, result.Examples);
        Assert.Equal(correct / 40.0, result[Metric.Accuracy], 12);
        Assert.InRange(result[Metric.MacroF1], 0, 1);
        Assert.Throws<KeyNotFoundException>(() => result[Metric.R2]);
        Assert.Throws<ArgumentException>(() => FineTuner.Evaluate(model, test, metrics: Metric.Custom));
    }
}

