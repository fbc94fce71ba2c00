using System.Diagnostics;
using Attune.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench.Overhead;

/// <summary>
/// Training steps of the digits MLP, paired step by step (see <see cref="LockstepEncoder"/> for the method): the
/// generated <c>RunFineTune</c> trains one copy, and after each of its steps a callback makes one step of the
/// hand-written loop (<see cref="HandLoop"/>'s step, exactly) on each of two more copies. A triple takes about 1.5 ms,
/// so the noise of a shared machine, which comes in bursts far longer than that, falls on all three arms alike; this is
/// the per-step figure of record. Setup, validation and best-weight copies are <see cref="TrainMlpCase"/>'s.
/// </summary>
internal sealed class LockstepMlp(int epochs) : OverheadCase
{
    public override string Name => "train-mlp-steps";
    public override string Unit => "step";
    public override bool ChecksWork => false;

    public override ArmSample Run(Arm arm) => throw new NotSupportedException("The lockstep case runs all arms together; call RunLockstep.");

    public override IEnumerable<string> Describe()
    {
        yield return $"training steps in lockstep, digits MLP (as train-mlp), batch {DigitsMlp.BatchSize}, 45 steps an epoch, {epochs} epochs;";
        yield return "  Attune: DigitsMlp.RunFineTune on one copy; after each of its steps a callback makes one HandLoop step on each of two more copies";
        yield return "  (always Attune, hand, hand again); a round = one triple; epoch-starting steps left out.";
    }

    public List<Round> RunLockstep(int warmup, Action<Round> onRound)
    {
        using var digits = new DigitsData();
        torch.manual_seed(DigitsMlp.Seed);
        using var attune = new DigitsMlp();
        using var hand = new HandStepper(digits.Data);
        using var again = new HandStepper(digits.Data);
        var rounds = new List<Round>();
        var lockstep = new Lockstep(hand, again, warmup, rounds, onRound);
        attune.RunFineTune(digits.Train, digits.Validation, DigitsMlp.FineTuneDefaults with { Epochs = epochs, ConsoleProgress = false, Callbacks = new[] { lockstep } });
        return rounds;
    }

    /// <summary>HandLoop's step, driven one at a time on a model of its own.</summary>
    private sealed class HandStepper : IHandStepper
    {
        private readonly BenchData _data;
        private readonly DigitsMlp _model;
        private readonly optim.Optimizer _optimizer;
        private readonly Generator _shuffle = new((ulong)DigitsMlp.Seed);
        private Tensor? _permutation;
        private long _start;
        private bool _fresh;

        public HandStepper(BenchData data)
        {
            _data = data;
            torch.manual_seed(DigitsMlp.Seed);
            _model = new DigitsMlp();
            foreach (var p in _model.FrozenParameters) p.requires_grad = false;
            _optimizer = optim.AdamW(_model.parameters().Where(p => p.requires_grad), lr: DigitsMlp.LearningRate, weight_decay: DigitsMlp.WeightDecay);
        }

        public void NewPass()
        {
            _permutation?.Dispose();
            _permutation = torch.randperm(_data.TrainCount, generator: _shuffle);
            _start = 0;
            _model.train();
            _fresh = true;
        }

        public (ArmSample Sample, bool FirstOfPass) Step()
        {
            var cpu = ThreadClock.Now();
            var clock = Stopwatch.StartNew();
            long n = _data.TrainCount;
            using (var scope = torch.NewDisposeScope())
            {
                long length = Math.Min(DigitsMlp.BatchSize, n - _start);
                var index = _permutation!.narrow(0, _start, length);
                var x = _data.TrainX.index_select(0, index);
                var y = _data.TrainY.index_select(0, index);
                var loss = nn.functional.cross_entropy(_model.call(x), y);
                _ = loss.item<float>();
                loss.backward();
                _optimizer.step();
                _optimizer.zero_grad();
                _start += length;
            }
            double wall = clock.Elapsed.TotalSeconds;
            bool first = _fresh;
            _fresh = false;
            return (new ArmSample(wall, (ThreadClock.Now() - cpu).TotalSeconds, 1, 0) { Training = wall }, first);
        }

        public void Dispose()
        {
            _permutation?.Dispose();
            _optimizer.Dispose();
            _shuffle.Dispose();
            _model.Dispose();
        }
    }
}
