using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// The epoch loop over one <see cref="TrainerState"/>. The per-step path does exactly what a careful hand-written
/// TorchSharp loop does — next batch, set each group's learning rate, forward, loss, one loss read, backward, optional
/// clipping, optimizer step, zero_grad — inside one dispose scope, with no LINQ and no allocation beyond the progress
/// report a caller asked for. With gradient accumulation each micro-batch has its own scope (so its activations are
/// freed after its backward) and the last one of a window (<see cref="StepWindow"/>) also clips and steps; a step whose
/// loss or gradient norm is not finite is skipped (see <see cref="NonFiniteSteps"/>). Everything else — checkpoints,
/// the log, TensorBoard, progress, pruning, early stopping and the user's hooks — is a <see cref="FineTuneCallback"/>
/// reading the state; the loop writes <c>resume.bin</c> after an epoch's callbacks, since it records whether they stopped the run.
/// </summary>
internal sealed class TrainingLoop<TInput>(
    nn.Module<TInput, Tensor> model,
    FineTunePlan plan,
    IBatchSource<TInput> train,
    IBatchSource<TInput> validation,
    FineTuneOptions options,
    ILogger logger,
    CancellationToken cancellationToken,
    LossParts loss,
    Optimization optimization,
    TrainerState state,
    CallbackList callbacks,
    BestWeights best,
    Generator? shuffle,
    FreezeSchedule freezes,
    ResumeSession? resume,
    Checkpoints? checkpoints) where TInput : notnull
{
    private readonly FineTuneControl _control = new();
    private readonly StepWindow _window = new();
    // Null when no callback takes step events: the step path then pays one null check.
    private readonly CallbackList? _stepHooks = callbacks.StepHooks;
    private readonly int _accumulation = options.AccumulationSteps;
    private readonly bool _checkShapes = options.Loss is Loss.Mse or Loss.BceWithLogits; // the built-in losses that broadcast silently
    // The epoch's applied steps: their loss sum and examples (skipped steps are left out of the train loss).
    private double _epochLossSum;
    private long _epochExamples;

    public FineTuneReport Run()
    {
        try { return RunEpochs(); }
        catch (FineTuneDataException ex) when (state.BestEpoch > 0) { throw WithBestRestored(ex); }
    }

    private FineTuneReport RunEpochs()
    {
        var clock = Stopwatch.StartNew();
        // A checkpoint of a run that had already ended (completed, stopped, pruned) trains no further.
        int firstEpoch = state.StopReason is null ? state.CompletedEpochs + 1 : options.Epochs + 1;
        callbacks.TrainBegin(state, _control);
        for (int epoch = firstEpoch; epoch <= options.Epochs && !_control.ShouldStop; epoch++)
        {
            if (cancellationToken.IsCancellationRequested) { state.StopReason = StopReason.Cancelled; break; }
            freezes.UnfreezeThrough(epoch);
            state.Epoch = epoch;
            callbacks.EpochBegin(state, _control);
            if (_control.ShouldStop) break;   // before training: the epoch is neither trained nor evaluated

            var epochClock = Stopwatch.StartNew();
            if (!TrainEpoch(epoch)) { state.StopReason = StopReason.Cancelled; break; }
            Evaluate(epoch, epochClock.Elapsed);
            callbacks.EpochEnd(state, _control);
            if (_control.ShouldStop) (state.StopReason, state.StopMessage) = (_control.Reason, _control.Message);
            else if (epoch == options.Epochs) state.StopReason = StopReason.Completed;
            // After the callbacks (last.bin among them), so resume.bin is never newer than the weights a user sees, and it
            // records whether the run ended here.
            resume?.Save(state, model, best, optimization.Optimizer, shuffle, logger);
        }
        // A stop asked for before an epoch trained (OnTrainBegin, OnEpochBegin) ends the run without a checkpoint.
        if (state.StopReason is null && _control.ShouldStop) (state.StopReason, state.StopMessage) = (_control.Reason, _control.Message);
        state.StopReason ??= StopReason.Completed;

        // Whatever ended the run, the model leaves holding the best epoch's weights. A run cancelled before any
        // epoch finished keeps the weights it has (there is no better epoch to go back to).
        if (state.BestEpoch > 0) best.RestoreInto(model);
        model.eval();
        callbacks.TrainEnd(state);

        return new FineTuneReport
        {
            ModelName = plan.ModelName,
            Metric = options.Metric,
            Direction = options.EffectiveDirection,
            BestMetric = state.BestMetric,
            BestEpoch = state.BestEpoch,
            Epochs = state.History,
            StopReason = state.StopReason.Value,
            StopMessage = state.StopMessage,
            TotalSteps = state.GlobalStep,
            Duration = clock.Elapsed,
            TrainableParameters = optimization.Groups.TrainableCount, // counted now: fields may have unfrozen
            FrozenParameters = optimization.Groups.FrozenCount,
            BestCheckpoint = checkpoints is { BestWritten: true } ? checkpoints.BestPath : null,
            LastCheckpoint = checkpoints is { LastWritten: true } ? checkpoints.LastPath : null,
            Unfrozen = new List<FieldUnfrozen>(state.Unfrozen),
            ResumedFrom = resume is { Resumed: true } ? resume.Path : null,
            ResumedFromEpoch = state.ResumedFromEpoch,
            NonFiniteSteps = state.NonFiniteSteps,
        };
    }

    /// <summary>Validates the epoch just trained, keeps the best weights in memory and records the epoch in the state.</summary>
    private void Evaluate(int epoch, TimeSpan trained)
    {
        var (validationLoss, metric) = Evaluator.Run(model, validation, options.BatchSize, loss.Loss, loss.IsFloat32, loss.CreateMetric,
            new BatchPlace("validation", plan.ModelName, epoch, 0, options.BatchSize, InOrder: true), options.Loss);
        if (Improves(metric))
        {
            state.BestMetric = metric;
            state.BestEpoch = epoch;
            state.EpochsWithoutImprovement = 0;
            best.CopyFrom(model);
        }
        else state.EpochsWithoutImprovement++;
        double trainLoss = _epochExamples == 0 ? double.NaN : _epochLossSum / _epochExamples;
        state.HistoryList.Add(new EpochResult(epoch, trainLoss, validationLoss, metric, optimization.CurrentRate(), state.StepInEpoch, trained));
    }

    /// <returns>False when cancelled mid-epoch. A stop asked for by a step callback ends the epoch early (true).</returns>
    private bool TrainEpoch(int epoch)
    {
        model.train();
        freezes.KeepFrozenNormsInEval();
        _epochLossSum = 0;
        _epochExamples = 0;
        state.StepInEpoch = 0;
        _window.Batches = 0;
        long batch = 0;
        long count = train.Count;
        long batchesPerEpoch = AccumulationWindow.BatchesPerEpoch(count, options.BatchSize);

        using var batches = train.Batches(options.BatchSize, options.Shuffle, shuffle).GetEnumerator();
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (_window.Batches > 0) optimization.Optimizer.zero_grad(); // a cancelled window's gradients are never applied
                return false;
            }

            // The batch is fetched inside the step's scope so the source's index-selects are freed with the step.
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext())
            {
                if (_window.Batches > 0) // the source ended inside a window: fewer batches than its Count promised
                {
                    optimization.Optimizer.zero_grad();
                    throw AccumulationWindow.UnexpectedBatch(plan.ModelName, count, options.BatchSize, batch, AccumulationWindow.BatchExamples(count, options.BatchSize, batch), 0);
                }
                return true;
            }
            var (x, y) = batches.Current;
            MicroBatch(epoch, batch, x, y);
            batch++;
            if (_window.Batches < _accumulation && batch < batchesPerEpoch) continue;

            bool diverged = FinishStep(epoch);
            if (_stepHooks is { } hooks)
            {
                hooks.StepEnd(state, _control);
                if (_control.ShouldStop && !diverged) return true;
            }
            // After the step's callbacks, so the step that stops a diverging run is in TensorBoard and the progress reports.
            if (diverged) Diverge(epoch);
        }
    }

    /// <summary>One batch of the window: forward, loss, one loss read, and (unless the window is already skipped) the
    /// backward of its share of the window's loss.</summary>
    private void MicroBatch(int epoch, long batch, TInput x, Tensor y)
    {
        var window = _window;
        long n = y.size(0); // the labels count the examples, whatever shape the input has
        int batchSize = options.BatchSize;
        if (window.Batches == 0)
            window.Begin(optimization.SetRates(state.GlobalStep),
                _accumulation > 1 ? AccumulationWindow.WindowExamples(train.Count, batchSize, _accumulation, batch) : 0);
        if (_accumulation > 1)
        {
            long expected = AccumulationWindow.BatchExamples(train.Count, batchSize, batch);
            if (n != expected)
            {
                optimization.Optimizer.zero_grad();
                throw AccumulationWindow.UnexpectedBatch(plan.ModelName, train.Count, batchSize, batch, expected, n);
            }
        }

        // A later batch that does not fit (the first ones were checked before training) fails with where and
        // what, not libtorch's bare message; the try costs nothing until something throws.
        Tensor output, value;
        try { output = model.call(x); }
        catch (ExternalException ex) // libtorch's errors; a user's own exception passes unchanged
        {
            optimization.Optimizer.zero_grad();
            throw BatchFaults.Forward(ex, Place(epoch, batch), x, y);
        }
        if (_checkShapes) BatchFaults.ThrowIfShapesDiffer(Place(epoch, batch), options.Loss, output, y);
        try { value = loss.Loss(output, y); }
        catch (ExternalException ex) // libtorch's errors; a user's own exception passes unchanged
        {
            optimization.Optimizer.zero_grad();
            throw BatchFaults.Loss(ex, Place(epoch, batch), options.Loss, output, y);
        }
        double lossValue = loss.IsFloat32 ? value.item<float>() : value.ToDouble();
        window.LastLoss = lossValue;
        if (!double.IsFinite(lossValue))
        {
            // Non-finite inputs are a data fault, not a step to skip: name the row (only now, off the happy path).
            if (x is Tensor features && features.is_floating_point() && !features.isfinite().all().item<bool>())
            {
                optimization.Optimizer.zero_grad();
                throw DataScan.NonFiniteFeatures(plan.ModelName, "training", features, Place(epoch, batch));
            }
            // No backward for a non-finite loss: the window is skipped whatever its other micro-batches give.
            window.MarkNonFinite(lossValue, gradient: false);
        }
        else if (!window.Skip)
        {
            // k = 1: the batch's mean loss as it is (bit-identical to a plain loop). k > 1: weighted by the
            // batch's share of the window's examples, so the window's gradient is that of its mean loss.
            if (_accumulation == 1) value.backward();
            else value.mul((double)n / window.Total).backward();
            window.LossSum += lossValue * n;
        }
        window.Seen += n;
        window.Batches++;
    }

    /// <summary>The window is complete: clip once, check the gradient norm, step or skip, and record the step in the state.</summary>
    /// <returns>True when this skipped step makes <see cref="FineTuneOptions.MaxNonFiniteSteps"/> in a row.</returns>
    private bool FinishStep(int epoch)
    {
        var window = _window;
        var optimizer = optimization.Optimizer;
        if (!window.Skip && optimization.Clips)
        {
            double norm = optimization.Clip();
            if (!double.IsFinite(norm)) window.MarkNonFinite(norm, gradient: true);
        }
        if (window.Skip)
        {
            optimizer.zero_grad();
            state.NonFiniteSteps++;
            state.NonFiniteInARow++;
            NonFiniteSteps.Skipped(logger, window.GradientNonFinite, window.NonFinite, epoch, state.GlobalStep + 1, state.NonFiniteInARow, options.MaxNonFiniteSteps);
        }
        else
        {
            optimizer.step();
            optimizer.zero_grad();
            state.NonFiniteInARow = 0;
            _epochLossSum += window.LossSum;
            _epochExamples += window.Seen;
        }
        state.StepLoss = window.StepLoss(_accumulation);
        state.StepSkipped = window.Skip;
        state.LearningRate = optimization.DefaultRate(window.Factor);
        state.StepInEpoch++;
        state.GlobalStep++;
        window.Batches = 0;
        return window.Skip && state.NonFiniteInARow >= options.MaxNonFiniteSteps;
    }

    /// <summary>
    /// <see cref="FineTuneOptions.MaxNonFiniteSteps"/> optimizer steps in a row had a NaN or infinite loss or
    /// gradient norm (the last one is <see cref="TrainerState.GlobalStep"/>); none of them was applied. Put the best (or,
    /// before any epoch ended, the initial) weights back, leave every checkpoint on disk as it is, and say what to try.
    /// </summary>
    private void Diverge(int epoch)
    {
        var window = _window;
        bool gradient = window.GradientNonFinite;
        double value = window.NonFinite;
        long step = state.GlobalStep;
        best.RestoreInto(model);
        model.eval();
        if (gradient) NonFiniteSteps.DivergedOnGradient(logger, epoch, step, value);
        else FineTuneLog.Diverged(logger, epoch, step, value);
        string? lastGood = checkpoints is { BestWritten: true } ? checkpoints.BestPath : null;
        string holds = state.BestEpoch > 0
            ? string.Format(CultureInfo.InvariantCulture, "the weights of epoch {0}, the best so far", state.BestEpoch)
            : "the weights it had before training (no epoch finished)";
        string checkpoint = lastGood is not null
            ? $"The last good checkpoint is {lastGood} (epoch {state.BestEpoch}); it was not overwritten."
            : checkpoints is null ? "No checkpoint was written (CheckpointDirectory is not set)." : "No checkpoint was written yet (no epoch finished).";
        string inARow = options.MaxNonFiniteSteps == 1
            ? "MaxNonFiniteSteps is 1, so the first non-finite step stops training"
            : string.Format(CultureInfo.InvariantCulture,
                "that made {0} optimizer steps in a row with a non-finite loss or gradient (MaxNonFiniteSteps = {0}; each was skipped, {1} in this run)",
                state.NonFiniteInARow, state.NonFiniteSteps);
        throw new TrainingDivergedException(string.Format(CultureInfo.InvariantCulture,
            "Training {0} diverged: the {1} became {2} at epoch {3}, step {4} (step {5} of the epoch); {6}. The model now holds {7}. {8} Try a lower learning rate (the default group's rate was {9:G3}), gradient clipping (MaxGradNorm, e.g. 1.0), or a warmup (WarmupSteps/WarmupRatio); if a few bad batches are expected, a larger MaxNonFiniteSteps.",
            plan.ModelName, NonFiniteSteps.What(gradient), value, epoch, step, state.StepInEpoch, inARow, holds, checkpoint, state.LearningRate),
            epoch, step, lastGood);
    }

    /// <summary>
    /// A later batch did not fit, after at least one epoch finished: as when training diverges, the model goes back
    /// to the best epoch's weights (not the half-trained ones of the epoch that failed) and the message says so,
    /// with the checkpoint on disk that was kept.
    /// </summary>
    private FineTuneDataException WithBestRestored(FineTuneDataException ex)
    {
        best.RestoreInto(model);
        model.eval();
        string checkpoint = checkpoints is { BestWritten: true }
            ? string.Format(CultureInfo.InvariantCulture, "; its checkpoint {0} was kept", checkpoints.BestPath)
            : "";
        return new FineTuneDataException(ex.Message + string.Format(CultureInfo.InvariantCulture,
            " The model now holds the weights of epoch {0}, the best so far{1}.", state.BestEpoch, checkpoint), ex.InnerException);
    }

    private BatchPlace Place(int epoch, long batch) => new("training", plan.ModelName, epoch, batch, options.BatchSize, InOrder: !options.Shuffle);

    private bool Improves(double metric)
    {
        if (double.IsNaN(metric)) return false;
        if (state.BestEpoch == 0) return true;
        return options.EffectiveDirection == Direction.Maximize
            ? metric > state.BestMetric + options.MinDelta
            : metric < state.BestMetric - options.MinDelta;
    }
}
