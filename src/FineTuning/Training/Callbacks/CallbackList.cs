using System;
using System.Collections.Generic;

namespace Attune.FineTuning;

/// <summary>
/// The run's callbacks in call order: the built-in ones (<see cref="BuiltInCallbacks"/>), then the user's. Step events
/// go only to the callbacks that take them (TensorBoard, progress, and every user callback); when there is none the
/// loop holds no list at all and a step pays one null check, no dispatch and no allocation.
/// </summary>
internal sealed class CallbackList
{
    private readonly FineTuneCallback[] _all;
    private readonly FineTuneCallback[] _steps;

    private CallbackList(FineTuneCallback[] all, FineTuneCallback[] steps)
    {
        _all = all;
        _steps = steps;
    }

    /// <summary>Null when no callback takes step events (then the loop skips them with one check).</summary>
    public CallbackList? StepHooks => _steps.Length > 0 ? this : null;

    /// <param name="builtIn">The built-in callbacks, in order, each with whether it takes step events.</param>
    /// <param name="user">The user's callbacks; each gets every event.</param>
    public static CallbackList Create(IReadOnlyList<(FineTuneCallback Callback, bool Steps)> builtIn, IReadOnlyList<FineTuneCallback> user)
    {
        var all = new List<FineTuneCallback>(builtIn.Count + user.Count);
        var steps = new List<FineTuneCallback>();
        foreach (var (callback, takesSteps) in builtIn)
        {
            all.Add(callback);
            if (takesSteps) steps.Add(callback);
        }
        all.AddRange(user);
        steps.AddRange(user);
        return new CallbackList(all.ToArray(), steps.ToArray());
    }

    public void TrainBegin(TrainerState state, FineTuneControl control)
    {
        foreach (var c in _all) c.OnTrainBegin(state, control);
    }

    public void EpochBegin(TrainerState state, FineTuneControl control)
    {
        foreach (var c in _all) c.OnEpochBegin(state, control);
    }

    public void StepEnd(TrainerState state, FineTuneControl control)
    {
        foreach (var c in _steps) c.OnStepEnd(state, control);
    }

    public void EpochEnd(TrainerState state, FineTuneControl control)
    {
        foreach (var c in _all) c.OnEpochEnd(state, control);
    }

    public void TrainEnd(TrainerState state)
    {
        foreach (var c in _all) c.OnTrainEnd(state);
    }

    /// <summary>Built-in callbacks that hold a resource (the TensorBoard file) release it however the run ends.</summary>
    public void DisposeBuiltIns()
    {
        foreach (var c in _all)
            if (c is IBuiltInResource resource) resource.Dispose();
    }
}

/// <summary>A built-in callback with something to release when the run ends, whatever ends it. User callbacks are the
/// user's to dispose (a caller may reuse one across runs).</summary>
internal interface IBuiltInResource : IDisposable;
