using System.Diagnostics;
using Attune.FineTuning;

namespace Attune.Bench.Overhead;

/// <summary>A hand-written training loop driven one step at a time, for the lockstep cases.</summary>
internal interface IHandStepper : IDisposable
{
    /// <summary>Starts a pass over the training data (a new shuffle, train mode).</summary>
    void NewPass();

    /// <summary>One timed step; <c>FirstOfPass</c> marks the step that started a pass (left out of the figures).</summary>
    (ArmSample Sample, bool FirstOfPass) Step();
}

/// <summary>
/// The callback that runs the two hand-written arms between Attune's steps and times all three. Its own work (two
/// clock reads at entry and two at exit, a virtual call) falls outside every timed interval except for Attune's share of
/// the dispatch, a few nanoseconds against steps of hundreds of microseconds.
/// </summary>
internal sealed class Lockstep(IHandStepper hand, IHandStepper again, int warmup, List<Round> rounds, Action<Round> onRound) : FineTuneCallback
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _exitWall = double.NaN;
    private double _exitCpu;
    private int _triples;
    private string _load = Machine.LoadAverage();

    public override void OnEpochBegin(TrainerState state, FineTuneControl control)
    {
        hand.NewPass();
        again.NewPass();
        _exitWall = double.NaN; // the next Attune step follows validation: not timed
    }

    public override void OnStepEnd(TrainerState state, FineTuneControl control)
    {
        double enterWall = _clock.Elapsed.TotalSeconds, enterCpu = ThreadClock.Now().TotalSeconds;
        bool timed = !double.IsNaN(_exitWall);
        var attuneStep = new ArmSample(enterWall - _exitWall, enterCpu - _exitCpu, 1, 0) { Training = enterWall - _exitWall };
        // Hand and hand again, in alternating order; both make their step even when this triple is not timed, so the
        // three copies stay at the same step.
        bool handFirst = _triples % 2 == 0;
        var first = (handFirst ? hand : again).Step();
        var second = (handFirst ? again : hand).Step();
        var (h, g) = handFirst ? (first, second) : (second, first);
        if (timed && !h.FirstOfPass && !g.FirstOfPass)
        {
            if (_triples % 100 == 0) _load = Machine.LoadAverage(); // a file read: not every step
            var round = new Round(_triples - warmup, handFirst ? "Attune,hand,again" : "Attune,again,hand", h.Sample, attuneStep, g.Sample, _load);
            onRound(round);
            if (_triples >= warmup) rounds.Add(round);
            _triples++;
        }
        _exitWall = _clock.Elapsed.TotalSeconds;
        _exitCpu = ThreadClock.Now().TotalSeconds;
    }
}

