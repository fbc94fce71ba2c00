using Attune.FineTuning;
using Attune.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench.Overhead;

/// <summary>
/// Training steps on the real all-MiniLM-L6-v2 encoder with a classification head (<see cref="ReviewClassifier"/>):
/// <see cref="FineTuner.Run{TInput}"/> (what a generated RunFineTune calls) against the same fine-tune by hand over the
/// same <see cref="TextClassificationData"/> batches.
/// </summary>
internal sealed class TrainEncoderCase(int rows, int validationRows, int maxLength, int epochs, int batch) : OverheadCase
{
    private readonly int Batch = batch;
    private const double LearningRate = 2e-5, WeightDecay = 0.01;
    private const long Seed = 42;
    private readonly TextClassificationData _train = EncoderBench.Rows(EncoderBench.Reviews(maxLength), 0, rows);
    private readonly TextClassificationData _validation = EncoderBench.Rows(EncoderBench.Reviews(maxLength), rows, validationRows);

    public override string Name => "train-encoder";
    public override string Unit => "step";
    public override double CheckTolerance => 1e-4; // float32 reductions over 22.7 M weights; both arms run the same kernels

    public override IEnumerable<string> Describe()
    {
        long steps = (rows + Batch - 1) / Batch * epochs;
        yield return $"training steps, all-MiniLM-L6-v2 + mean pooling + dropout + Linear 384->2, full fine-tune, AdamW lr {LearningRate:G} wd {WeightDecay:G}, batch {Batch},";
        yield return $"  the first {rows} product reviews (dynamic padding, max length {maxLength}), {epochs} epoch(s) = {steps} steps per run, validated on the next {validationRows};";
        yield return "  hand: manual_seed, shuffling Generator, AdamW over every parameter, a best-weights copy; per step in one scope: the source's next batch, forward,";
        yield return "    cross_entropy, item, backward, step, zero_grad; per epoch a no_grad validation pass (loss and accuracy) and copy_ of the best weights;";
        yield return "  Attune: FineTuner.Run(model, plan, train, validation, options) with the same settings (what a generated RunFineTune calls);";
        yield return "  training passes = the epochs' training loops alone; the whole run adds Attune's set-up checks (a no-grad forward of the first batch of each source), a one-off cost per run.";
    }

    public override IReadOnlyList<Figure> Figures { get; } = new[]
    {
        // Whole encoder runs vary too much here to resolve 2 % (the lockstep case does that); these rounds show the
        // one-off set-up cost and check that both arms compute the same numbers.
        Figure.TrainingPassesWall(goal: false), Figure.WholeRunWall(goal: false), Figure.WholeRunCpu(goal: false),
    };

    public override ArmSample Run(Arm arm)
    {
        using var model = EncoderBench.NewClassifier();
        return arm == Arm.Hand ? Time(() => Hand(model)) : Time(() =>
        {
            var plan = new FineTunePlan(nameof(ReviewClassifier), Array.Empty<FieldRule>());
            var options = new FineTuneOptions
            {
                Epochs = epochs, BatchSize = Batch, LearningRate = LearningRate, WeightDecay = WeightDecay, Seed = Seed, Shuffle = true,
                ConsoleProgress = false,
            };
            var report = FineTuner.Run(model, plan, _train, _validation, options);
            return (report.TotalSteps, report.Epochs.SelectMany(e => new[] { e.TrainLoss, e.ValidationLoss, e.Metric }).ToArray(),
                report.Epochs.Sum(e => e.Duration.TotalSeconds));
        });
    }

    private (long, double[], double) Hand(ReviewClassifier model)
    {
        torch.manual_seed(Seed);
        using var shuffle = new Generator((ulong)Seed);
        using var optimizer = optim.AdamW(model.parameters(), lr: LearningRate, weight_decay: WeightDecay);
        var best = new List<(Tensor Source, Tensor Copy)>();
        using (torch.no_grad())
            foreach (var (_, t) in model.state_dict()) best.Add((t, t.clone().DetachFromDisposeScope()));
        long steps = 0;
        double training = 0, bestAccuracy = double.NegativeInfinity;
        var check = new List<double>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            model.train();
            double lossSum = 0;
            long examples = 0;
            using (var batches = _train.Batches(Batch, shuffle: true, shuffle).GetEnumerator())
            {
                while (true)
                {
                    using var scope = torch.NewDisposeScope();
                    if (!batches.MoveNext()) break;
                    var (x, y) = batches.Current;
                    var loss = nn.functional.cross_entropy(model.call(x), y);
                    double value = loss.item<float>();
                    loss.backward();
                    optimizer.step();
                    optimizer.zero_grad();
                    long n = y.shape[0];
                    lossSum += value * n;
                    examples += n;
                    steps++;
                }
            }
            training += clock.Elapsed.TotalSeconds;
            var (validationLoss, accuracy) = Validate(model, _validation, Batch);
            check.AddRange(new[] { lossSum / examples, validationLoss, accuracy });
            if (accuracy > bestAccuracy)
            {
                bestAccuracy = accuracy;
                using (torch.no_grad()) foreach (var (source, copy) in best) copy.copy_(source);
            }
        }
        using (torch.no_grad()) foreach (var (source, copy) in best) source.copy_(copy);
        model.eval();
        foreach (var (_, copy) in best) copy.Dispose();
        return (steps, check.ToArray(), training);
    }

    /// <summary>The hand-written no_grad pass: per batch in its own scope, forward, cross_entropy item, argmax eq sum item.</summary>
    internal static (double Loss, double Accuracy) Validate(nn.Module<TextBatch, Tensor> model, TextClassificationData data, int batch)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        double lossSum = 0;
        long correct = 0, examples = 0;
        using var batches = data.Batches(batch, shuffle: false, null).GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext()) break;
            var (x, y) = batches.Current;
            var output = model.call(x);
            long n = y.shape[0];
            lossSum += nn.functional.cross_entropy(output, y).item<float>() * n;
            correct += output.argmax(1).eq(y).sum().item<long>();
            examples += n;
        }
        return (lossSum / examples, (double)correct / examples);
    }
}

/// <summary>Evaluation on the encoder classifier: <see cref="FineTuner.Evaluate{TInput}"/> against the hand-written
/// no_grad pass (<see cref="TrainEncoderCase.Validate"/>) over the same batches.</summary>
internal sealed class EvalEncoderCase(int rows, int maxLength, int batch) : OverheadCase
{
    private readonly int Batch = batch;
    private readonly TextClassificationData _data = EncoderBench.Rows(EncoderBench.Reviews(maxLength), 0, rows);
    private readonly ReviewClassifier _model = EncoderBench.NewClassifier();

    public override string Name => "eval-encoder";
    public override string Unit => "batch";
    public override double CheckTolerance => 1e-4;

    public override IEnumerable<string> Describe()
    {
        yield return $"evaluation, the encoder classifier (untrained head), the first {rows} reviews (max length {maxLength}) in batches of {Batch} = {(rows + Batch - 1) / Batch} batches per run;";
        yield return "  hand: eval, no_grad, the source's batches in order, per batch in its own scope: forward, cross_entropy item, argmax eq sum item;";
        yield return $"  Attune: FineTuner.Evaluate(model, data, {Batch}, Loss.CrossEntropy, Metric.Accuracy).";
    }

    public override ArmSample Run(Arm arm) => Time(() =>
    {
        double loss, accuracy;
        if (arm == Arm.Hand) (loss, accuracy) = TrainEncoderCase.Validate(_model, _data, Batch);
        else
        {
            var result = FineTuner.Evaluate(_model, _data, Batch, Loss.CrossEntropy, Metric.Accuracy);
            (loss, accuracy) = (result.Loss, result[Metric.Accuracy]);
        }
        return ((rows + Batch - 1) / Batch, new[] { loss, accuracy }, double.NaN);
    });

    public override void Dispose() => _model.Dispose();
}

/// <summary>
/// Batch assembly from tokenized text: <see cref="TextClassificationData.Batches"/> (shuffled, dynamic padding) against
/// a hand-written gather from the same token ids (a seeded randperm read into an array; per batch, the widest row sets
/// the width, ids and mask filled in managed arrays and copied into three tensors). Tokenizing is outside both arms.
/// </summary>
internal sealed class TextBatchesCase(int passes, int maxLength) : OverheadCase
{
    private const int Batch = 16;
    private readonly TextClassificationData _data = EncoderBench.Reviews(maxLength);
    private int[][]? _ids;
    private long[]? _labels;

    public override string Name => "batches-text";
    public override string Unit => "batch";

    public override IEnumerable<string> Describe()
    {
        yield return $"batch assembly from tokenized text, all {_data.Count} reviews (max length {maxLength}), batch {Batch}, shuffled, dynamic padding, {passes} passes per arm and round, interleaved pass by pass = {(_data.Count + Batch - 1) / Batch * passes} batches;";
        yield return "  hand: randperm(n, generator) read into a long[], then per batch in a dispose scope: width = longest row, ids and mask filled in long[]s, torch.tensor x 3;";
        yield return "  Attune: TextClassificationData.Batches(16, shuffle: true, generator), one dispose scope per batch opened before MoveNext; both read the first batch's label sum per pass.";
    }

    public override int Repetitions => passes;

    /// <summary>One shuffled pass; the token ids for the hand arm are copied out once, its generator made outside the timed region.</summary>
    public override ArmSample Run(Arm arm)
    {
        // The hand arm's token ids, copied out of the data set once (tokenizing is not part of either arm).
        _ids ??= Enumerable.Range(0, (int)_data.Count).Select(r => _data.Ids(r).ToArray()).ToArray();
        _labels ??= Enumerable.Range(0, (int)_data.Count).Select(r => (long)_data.Label(r)).ToArray();
        var ids = _ids;
        var labels = _labels;
        int pad = _data.Tokenizer.PadId;
        using var generator = new Generator(42);
        return Time(() =>
        {
            long batches = 0;
            double firstSum = 0;
            int n = ids.Length;
            if (arm == Arm.Hand)
            {
                long[] order;
                using (var permutation = torch.randperm(n, generator: generator)) order = permutation.data<long>().ToArray();
                for (int start = 0; start < n; start += Batch)
                {
                    using var scope = torch.NewDisposeScope();
                    int rows = Math.Min(Batch, n - start), width = 0;
                    for (int r = 0; r < rows; r++) width = Math.Max(width, ids[order[start + r]].Length);
                    var idBuffer = new long[rows * width];
                    var maskBuffer = new long[rows * width];
                    var labelBuffer = new long[rows];
                    if (pad != 0) Array.Fill(idBuffer, pad);
                    for (int r = 0; r < rows; r++)
                    {
                        var row = ids[order[start + r]];
                        for (int t = 0; t < row.Length; t++) { idBuffer[r * width + t] = row[t]; maskBuffer[r * width + t] = 1; }
                        labelBuffer[r] = labels[order[start + r]];
                    }
                    var shape = new long[] { rows, width };
                    var x = new TextBatch(torch.tensor(idBuffer, shape), torch.tensor(maskBuffer, shape));
                    var y = torch.tensor(labelBuffer);
                    if (start == 0) firstSum = y.sum().item<long>();
                    batches++;
                }
            }
            else (batches, firstSum) = Drain(_data.Batches(Batch, shuffle: true, generator));
            return (batches, new[] { firstSum }, double.NaN);
        });
    }
}
