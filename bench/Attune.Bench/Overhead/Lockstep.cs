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
/// The callback that runs the two hand-written arms between Attune's steps and times all three. Its own work (clock
/// reads, a virtual call, recording the round) falls outside every wall interval except for Attune's share of the
/// dispatch and two monotonic-clock reads, tens of nanoseconds against steps of hundreds of microseconds.
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
        // Wall first at entry and last at exit: Attune's wall interval holds no thread-CPU read (a system call), as
        // the hand steps' intervals hold none.
        double enterWall = _clock.Elapsed.TotalSeconds, enterCpu = ThreadClock.Now().TotalSeconds;
        bool timed = !double.IsNaN(_exitWall);
        var attuneStep = new ArmSample(enterWall - _exitWall, enterCpu - _exitCpu, 1, 0) { Training = enterWall - _exitWall };
        // Always Attune, hand, hand again: each arm then has the same two other steps between two of its own (an
        // alternating order would give the hand arms gaps of one and three, and caches are not linear in the gap). Any
        // effect of position shows in the A/A ratio, since hand and hand again hold different positions. Both make
        // their step even when this triple is not timed, so the three copies stay at the same step.
        var h = hand.Step();
        var g = again.Step();
        if (timed && !h.FirstOfPass && !g.FirstOfPass)
        {
            if (_triples % 100 == 0) _load = Machine.LoadAverage(); // a file read: not every step
            var round = new Round(_triples - warmup, "Attune,hand,again", h.Sample, attuneStep, g.Sample, _load);
            onRound(round);
            if (_triples >= warmup) rounds.Add(round);
            _triples++;
        }
        _exitCpu = ThreadClock.Now().TotalSeconds;
        _exitWall = _clock.Elapsed.TotalSeconds;
    }
}

