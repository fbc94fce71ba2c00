using System.Diagnostics;
using Attune.FineTuning;
using Attune.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench.Overhead;

/// <summary>
/// Training steps of the real encoder, paired step by step. A whole encoder run takes seconds, and on this machine one
/// step of identical work varies by ±15 % from one second to the next (memory bandwidth shared with other machines),
/// so whole runs compared round by round cannot resolve 2 %. Here three copies of the classifier train in lockstep in
/// one process: Attune's <see cref="FineTuner.Run{TInput}"/> trains one, and after each of its steps a callback makes
/// one hand-written step on each of the other two (hand, then hand again). A round
/// is one such triple of steps taken within about a second of each other, so a burst of load falls on all three.
/// Attune's step is timed from the callback's return to its next call: fetching the batch, forward, loss, backward,
/// optimizer step, zero_grad and the trainer's bookkeeping; the callback's own dispatch is a few nanoseconds. Steps that
/// start an epoch (after validation) are left out on every side. The three share torch's global random generator, so
/// their dropout masks differ: the timing is of the same work, and the sequential runs of <see cref="TrainEncoderCase"/>
/// check that the arms compute the same numbers.
/// </summary>
internal sealed class LockstepEncoder(int rows, int maxLength, int epochs, int batch) : OverheadCase
{
    private const double LearningRate = 2e-5, WeightDecay = 0.01;

    public override string Name => "train-encoder-steps";
    public override string Unit => "step";
    public override bool ChecksWork => false;

    /// <summary>Not used: the arms run inside one fine-tune (<see cref="RunLockstep"/>), not one call at a time.</summary>
    public override ArmSample Run(Arm arm) => throw new NotSupportedException("The lockstep case runs all arms together; call RunLockstep.");

    public override IEnumerable<string> Describe()
    {
        long steps = (rows + batch - 1) / batch;
        yield return $"training steps in lockstep, all-MiniLM-L6-v2 classifier, full fine-tune, AdamW, batch {batch}, the first {rows} reviews (max length {maxLength}), {steps} steps an epoch, {epochs} epochs;";
        yield return "  Attune: FineTuner.Run on one copy; after each of its steps a callback makes one hand-written step on each of two more copies (always Attune, hand, hand again);";
        yield return "  a round = one such triple; Attune's step is timed from the callback's return to its next call, the hand steps inside the callback; epoch-starting steps left out.";
    }

    public List<Round> RunLockstep(int warmup, Action<Round> onRound)
    {
        var train = EncoderBench.Rows(EncoderBench.Reviews(maxLength), 0, rows);
        var validation = EncoderBench.Rows(EncoderBench.Reviews(maxLength), rows, batch);
        using var attune = EncoderBench.NewClassifier();
        using var hand = new HandStepper(EncoderBench.NewClassifier(), train, batch);
        using var again = new HandStepper(EncoderBench.NewClassifier(), train, batch);
        var rounds = new List<Round>();
        var lockstep = new Lockstep(hand, again, warmup, rounds, onRound);
        var options = new FineTuneOptions
        {
            Epochs = epochs, BatchSize = batch, LearningRate = LearningRate, WeightDecay = WeightDecay, Seed = 42, Shuffle = true,
            ConsoleProgress = false, Callbacks = new[] { lockstep },
        };
        FineTuner.Run(attune, new FineTunePlan(nameof(ReviewClassifier), Array.Empty<FieldRule>()), train, validation, options);
        return rounds;
    }

    /// <summary>One hand-written training loop driven a step at a time: its own model, AdamW and shuffling generator.</summary>
    private sealed class HandStepper : IHandStepper
    {
        private readonly ReviewClassifier _model;
        private readonly TextClassificationData _train;
        private readonly int _batch;
        private readonly optim.Optimizer _optimizer;
        private readonly Generator _shuffle = new(42);
        private IEnumerator<(TextBatch, Tensor)>? _batches;
        private bool _fresh;

        public HandStepper(ReviewClassifier model, TextClassificationData train, int batch)
        {
            _model = model;
            _train = train;
            _batch = batch;
            _optimizer = optim.AdamW(model.parameters(), lr: LearningRate, weight_decay: WeightDecay);
        }

        public void NewPass()
        {
            _batches?.Dispose();
            _batches = _train.Batches(_batch, shuffle: true, _shuffle).GetEnumerator();
            _model.train();
            _fresh = true;
        }

        /// <summary>One step, as a hand-written loop makes it: one dispose scope for the next batch, forward,
        /// cross_entropy, item, backward, step, zero_grad.</summary>
        public (ArmSample Sample, bool FirstOfPass) Step()
        {
            var cpu = ThreadClock.Now();
            var clock = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                if (!_batches!.MoveNext()) throw new InvalidOperationException("The hand arm ran out of batches before Attune's epoch ended; the two arms must take the same steps.");
                var (x, y) = _batches.Current;
                var loss = nn.functional.cross_entropy(_model.call(x), y);
                _ = loss.item<float>();
                loss.backward();
                _optimizer.step();
                _optimizer.zero_grad();
            }
            double wall = clock.Elapsed.TotalSeconds;
            bool first = _fresh;
            _fresh = false;
            return (new ArmSample(wall, (ThreadClock.Now() - cpu).TotalSeconds, 1, 0) { Training = wall }, first);
        }

        public void Dispose()
        {
            _batches?.Dispose();
            _optimizer.Dispose();
            _shuffle.Dispose();
            _model.Dispose();
        }
    }
}
