using System;
using System.Runtime.InteropServices;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

/// <summary>
/// The body of <see cref="FineTuner.Run"/>: checks, then the epoch loop. The per-step path does exactly what a careful
/// hand-written TorchSharp loop does — next batch, set each group's learning rate, forward, loss, one loss read,
/// backward, optional clipping, optimizer step, zero_grad — inside one dispose scope, with no LINQ and no allocation
/// beyond the progress report a caller asked for. With gradient accumulation each micro-batch has its own scope (so
/// its activations are freed after its backward) and the last one of a window also clips and steps; a step whose loss
/// or gradient norm is not finite is skipped (see <see cref="NonFiniteSteps"/>).
/// </summary>
internal static class TrainingRun
{
    public static FineTuneReport Execute<TInput>(
        nn.Module<TInput, Tensor> model,
        FineTunePlan plan,
        IBatchSource<TInput> train,
        IBatchSource<TInput> validation,
        FineTuneOptions options,
        IProgress<FineTuneProgress>? progress,
        ILogger? logger,
        CancellationToken cancellationToken,
        IEpochObserver? observer) where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);

        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException($"The fine-tune options for {plan.ModelName} are invalid: " + string.Join(" ", problems), nameof(options));
        if (train.Count <= 0)
            throw new ArgumentException($"The training data is empty ({train.Count} examples); expected at least one example.", nameof(train));
        if (validation.Count <= 0)
            throw new ArgumentException($"The validation data is empty ({validation.Count} examples); expected at least one example to pick the best epoch.", nameof(validation));
        // Before any work: a directory that cannot take a checkpoint is found now, not after the first epoch.
        if (options.CheckpointDirectory is { } checkpointDirectory) CheckpointDirectory.Ensure(checkpointDirectory, plan.ModelName);

        var loss = LossFunctions.For(options.Loss, plan);
        _ = MetricAccumulator.Create(options.Metric, plan, options.Loss); // fails fast on a custom metric without a method
        Func<MetricAccumulator> createMetric = () => MetricAccumulator.Create(options.Metric, plan, options.Loss);

        // Optimizer steps, not batches: with accumulation one step takes AccumulationSteps batches (the last maybe fewer).
        long totalSteps = AccumulationWindow.StepsPerEpoch(train.Count, options.BatchSize, options.AccumulationSteps) * options.Epochs;
        var schedule = LearningRateSchedule.For(options, totalSteps);
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        var groups = ParameterGroups.Build(model, plan, options);
        FineTuneLog.Plan(logger, plan.ModelName, groups);
        var freezes = new FreezeSchedule(plan, groups, options.Epochs, logger);
        FineTuneLog.Setup(logger, totalSteps, schedule.WarmupSteps, train.Count, options.Schedule);

        var lora = LoraRun.Start(model, plan.ModelName);
        var (lossIsFloat32, classes) = DryBatch.Check(model, train, "training", options, plan, loss);
        DryBatch.Check(model, validation, "validation", options, plan, loss);
        // The first batches fit; a source that holds every example is now checked whole (a min/max, a sum: well under a millisecond),
        // so a bad label in row 9000 fails here, not as libtorch's "Target -1 is out of bounds" an hour in.
        DataScan.Check(train, "training", options.Loss, classes, plan.ModelName);
        DataScan.Check(validation, "validation", options.Loss, classes, plan.ModelName);
        lora?.Verify(plan.ModelName, logger);

        // Seed after the dry batches (which draw nothing) so a seeded run's random stream starts at the same place
        // whatever the checks did. The shuffling generator is separate from the global one used by dropout and init.
        Generator? shuffle = null;
        if (options.Seed >= 0)
        {
            torch.manual_seed(options.Seed);
            shuffle = new Generator((ulong)options.Seed);
        }

        var (optimizer, controllers, baseRates) = OptimizerFactory.Create(groups.Groups, options);
        var best = new BestWeights(model);
        try
        {
            // After seeding and building the optimizer, so that a resumed run overwrites exactly the state a fresh run starts from.
            var resume = ResumeSession.Open(model, plan, groups, options, train.Count, freezes, best, optimizer, shuffle, logger);
            var state = new LoopState<TInput>(model, plan, train, validation, options, progress, logger, cancellationToken, observer,
                loss, lossIsFloat32, createMetric, schedule, groups, optimizer, controllers, baseRates, best, shuffle, totalSteps,
                freezes, resume);
            var report = state.Run();
            return lora is null ? report : lora.Annotate(report);
        }
        finally
        {
            optimizer.Dispose();
            best.Dispose();
            shuffle?.Dispose();
        }
    }

    private sealed class LoopState<TInput>(
        nn.Module<TInput, Tensor> model,
        FineTunePlan plan,
        IBatchSource<TInput> train,
        IBatchSource<TInput> validation,
        FineTuneOptions options,
        IProgress<FineTuneProgress>? progress,
        ILogger logger,
        CancellationToken cancellationToken,
        IEpochObserver? observer,
        Func<Tensor, Tensor, Tensor> loss,
        bool lossIsFloat32,
        Func<MetricAccumulator> createMetric,
        LearningRateSchedule schedule,
        ParameterGroups groups,
        optim.Optimizer optimizer,
        optim.ILearningRateController[] controllers,
        double[] baseRates,
        BestWeights best,
        Generator? shuffle,
        long totalSteps,
        FreezeSchedule freezes,
        ResumeSession? resume) where TInput : notnull
    {
        private readonly Direction _direction = options.EffectiveDirection;
        private readonly Checkpoints? _checkpoints = options.CheckpointDirectory is { } dir
            ? new Checkpoints(dir, plan.ModelName, options.Metric, options.EffectiveDirection) : null;
        private readonly List<EpochResult> _epochs = new();
        private double _bestMetric = double.NaN;
        private int _bestEpoch;
        private long _step;
        private readonly TensorBoardLog? _tensorBoard = TensorBoardLog.Open(options, groups.Groups);
        private long _nonFiniteSteps;
        private int _nonFiniteInARow;

        public FineTuneReport Run()
        {
            // The TensorBoard file is buffered: whatever ends the run (done, cancelled, diverged, an error), it is flushed.
            try { return RunEpochs(); }
            catch (FineTuneDataException ex) when (_bestEpoch > 0) { throw WithBestRestored(ex); }
            finally { _tensorBoard?.Dispose(); }
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
            string checkpoint = _checkpoints is { BestWritten: true }
                ? string.Format(CultureInfo.InvariantCulture, "; its checkpoint {0} was kept", _checkpoints.BestPath)
                : "";
            return new FineTuneDataException(ex.Message + string.Format(CultureInfo.InvariantCulture,
                " The model now holds the weights of epoch {0}, the best so far{1}.", _bestEpoch, checkpoint), ex.InnerException);
        }

        private FineTuneReport RunEpochs()
        {
            var clock = Stopwatch.StartNew();
            var stop = StopReason.Completed;
            int badEpochs = 0;
            int firstEpoch = 1;
            if (resume?.Restored is { } restored)
            {
                _epochs.AddRange(restored.Epochs);
                _bestMetric = restored.BestMetric;
                _bestEpoch = restored.BestEpoch;
                _step = restored.Step;
                badEpochs = restored.BadEpochs;
                _nonFiniteSteps = restored.NonFiniteSteps;
                _nonFiniteInARow = restored.NonFiniteInARow;
                firstEpoch = restored.CompletedEpochs + 1;
                // A checkpoint of a run that had already ended (completed, stopped early, pruned) trains no further.
                if (restored.Ended is StopReason ended) { stop = ended; firstEpoch = options.Epochs + 1; }
            }
            for (int epoch = firstEpoch; epoch <= options.Epochs; epoch++)
            {
                if (cancellationToken.IsCancellationRequested) { stop = StopReason.Cancelled; break; }
                freezes.UnfreezeThrough(epoch);
                var epochClock = Stopwatch.StartNew();
                var (trainLoss, steps, completed) = TrainEpoch(epoch);
                if (!completed) { stop = StopReason.Cancelled; break; }

                var (validationLoss, metric) = Evaluator.Run(model, validation, options.BatchSize, loss, lossIsFloat32, createMetric,
                    new BatchPlace("validation", plan.ModelName, epoch, 0, options.BatchSize, InOrder: true), options.Loss);
                if (Improves(metric))
                {
                    _bestMetric = metric;
                    _bestEpoch = epoch;
                    badEpochs = 0;
                    best.CopyFrom(model);
                    if (_checkpoints is not null)
                    {
                        _checkpoints.SaveBest(model, epoch, metric);
                        FineTuneLog.Checkpoint(logger, "best", _checkpoints.BestPath);
                    }
                }
                else badEpochs++;
                if (_checkpoints is not null)
                {
                    _checkpoints.SaveLast(model, epoch, metric);
                    FineTuneLog.Checkpoint(logger, "last", _checkpoints.LastPath);
                }

                var result = new EpochResult(epoch, trainLoss, validationLoss, metric, CurrentRate(), steps, epochClock.Elapsed);
                _epochs.Add(result);
                FineTuneLog.Epoch(logger, result);
                _tensorBoard?.Epoch(result);
                progress?.Report(new FineTuneProgress(epoch, options.Epochs, _step, totalSteps, validationLoss, result.LearningRate, metric, FineTunePhase.Evaluated));

                bool pruned = observer is not null && observer.OnEpoch(result);
                bool early = !pruned && options.Patience > 0 && badEpochs >= options.Patience && epoch < options.Epochs;
                // After last.bin, so resume.bin is never newer than the weights a user sees; it records whether the run ended here.
                resume?.Save(new ResumeLoop(epoch, _step, _bestMetric, _bestEpoch, badEpochs,
                        pruned ? StopReason.Pruned : early ? StopReason.EarlyStopped : epoch == options.Epochs ? StopReason.Completed : null,
                        _epochs.ToArray(), UnfrozenFields(), _nonFiniteSteps, _nonFiniteInARow),
                    model, best, optimizer, shuffle, logger);
                if (pruned) { stop = StopReason.Pruned; break; }
                if (early) { stop = StopReason.EarlyStopped; break; }
            }

            // Whatever ended the run, the model leaves holding the best epoch's weights. A run cancelled before any
            // epoch finished keeps the weights it has (there is no better epoch to go back to).
            if (_bestEpoch > 0) best.RestoreInto(model);
            model.eval();
            FineTuneLog.Stopped(logger, stop, _bestEpoch, _bestMetric);

            return new FineTuneReport
            {
                ModelName = plan.ModelName,
                Metric = options.Metric,
                Direction = _direction,
                BestMetric = _bestMetric,
                BestEpoch = _bestEpoch,
                Epochs = _epochs,
                StopReason = stop,
                TotalSteps = _step,
                Duration = clock.Elapsed,
                TrainableParameters = groups.TrainableCount,
                FrozenParameters = groups.FrozenCount,
                BestCheckpoint = _checkpoints is { BestWritten: true } ? _checkpoints.BestPath : null,
                LastCheckpoint = _checkpoints is { LastWritten: true } ? _checkpoints.LastPath : null,
                Unfrozen = new List<FieldUnfrozen>(freezes.Unfrozen),
                ResumedFrom = resume?.Restored is null ? null : resume.Path,
                ResumedFromEpoch = resume?.Restored?.CompletedEpochs ?? 0,
                NonFiniteSteps = _nonFiniteSteps,
            };
        }

        private string[] UnfrozenFields()
        {
            var unfrozen = freezes.Unfrozen;
            var names = new string[unfrozen.Count];
            for (int i = 0; i < names.Length; i++) names[i] = unfrozen[i].Field;
            return names;
        }

        /// <returns>The epoch's mean training loss over the examples of its applied steps, its optimizer step count
        /// (skipped steps included), and false when cancelled mid-epoch.</returns>
        private (double Loss, long Steps, bool Completed) TrainEpoch(int epoch)
        {
            model.train();
            freezes.KeepFrozenNormsInEval();
            double lossSum = 0;
            long examples = 0, steps = 0;
            bool clip = options.MaxGradNorm > 0;
            double maxNorm = options.MaxGradNorm;
            double defaultRate = options.LearningRate;
            var trainable = groups.Trainable;
            int groupCount = controllers.Length;
            int accumulation = options.AccumulationSteps;
            int batchSize = options.BatchSize;
            long count = train.Count;
            long batchesPerEpoch = AccumulationWindow.BatchesPerEpoch(count, batchSize);
            bool checkShapes = options.Loss is Loss.Mse or Loss.BceWithLogits; // the built-in losses that broadcast silently

            // The window being accumulated: its micro-batches so far, their examples and loss sum, the examples the
            // whole window will hold (each micro-batch's weight is its share of them), and the first non-finite value.
            int inWindow = 0;
            long windowSeen = 0, windowTotal = 0, batch = 0;
            double windowLossSum = 0, lastLoss = 0, factor = 1, nonFinite = 0;
            bool skip = false, gradientNonFinite = false;

            using var batches = train.Batches(batchSize, options.Shuffle, shuffle).GetEnumerator();
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    if (inWindow > 0) optimizer.zero_grad(); // a cancelled window's gradients are never applied
                    return (examples == 0 ? double.NaN : lossSum / examples, steps, false);
                }

                // The batch is fetched inside the step's scope so the source's index-selects are freed with the step.
                using var scope = torch.NewDisposeScope();
                if (!batches.MoveNext())
                {
                    if (inWindow > 0) // the source ended inside a window: fewer batches than its Count promised
                    {
                        optimizer.zero_grad();
                        throw AccumulationWindow.UnexpectedBatch(plan.ModelName, count, batchSize, batch, AccumulationWindow.BatchExamples(count, batchSize, batch), 0);
                    }
                    break;
                }
                var (x, y) = batches.Current;
                long n = y.size(0); // the labels count the examples, whatever shape the input has

                if (inWindow == 0)
                {
                    factor = schedule.Factor(_step);
                    for (int g = 0; g < groupCount; g++) controllers[g].LearningRate = baseRates[g] * factor;
                    if (accumulation > 1) windowTotal = AccumulationWindow.WindowExamples(count, batchSize, accumulation, batch);
                }
                if (accumulation > 1)
                {
                    long expected = AccumulationWindow.BatchExamples(count, batchSize, batch);
                    if (n != expected)
                    {
                        optimizer.zero_grad();
                        throw AccumulationWindow.UnexpectedBatch(plan.ModelName, count, batchSize, batch, expected, n);
                    }
                }

                // A later batch that does not fit (the first ones were checked before training) fails with where and
                // what, not libtorch's bare message; the try costs nothing until something throws.
                Tensor output, value;
                try { output = model.call(x); }
                catch (ExternalException ex) // libtorch's errors; a user's own exception passes unchanged
                {
                    optimizer.zero_grad();
                    throw BatchFaults.Forward(ex, Place(epoch, batch), x, y);
                }
                if (checkShapes) BatchFaults.ThrowIfShapesDiffer(Place(epoch, batch), options.Loss, output, y);
                try { value = loss(output, y); }
                catch (ExternalException ex) // libtorch's errors; a user's own exception passes unchanged
                {
                    optimizer.zero_grad();
                    throw BatchFaults.Loss(ex, Place(epoch, batch), options.Loss, output, y);
                }
                lastLoss = lossIsFloat32 ? value.item<float>() : value.ToDouble();
                if (!double.IsFinite(lastLoss))
                {
                    // Non-finite inputs are a data fault, not a step to skip: name the row (only now, off the happy path).
                    if (x is Tensor features && features.is_floating_point() && !features.isfinite().all().item<bool>())
                    {
                        optimizer.zero_grad();
                        throw DataScan.NonFiniteFeatures(plan.ModelName, "training", features, Place(epoch, batch));
                    }
                    // No backward for a non-finite loss: the window is skipped whatever its other micro-batches give.
                    if (!skip) { skip = true; nonFinite = lastLoss; }
                }
                else if (!skip)
                {
                    // k = 1: the batch's mean loss as it is (bit-identical to a plain loop). k > 1: weighted by the
                    // batch's share of the window's examples, so the window's gradient is that of its mean loss.
                    if (accumulation == 1) value.backward();
                    else value.mul((double)n / windowTotal).backward();
                    windowLossSum += lastLoss * n;
                }
                windowSeen += n;
                inWindow++;
                batch++;
                if (inWindow < accumulation && batch < batchesPerEpoch) continue;

                // The window is complete: clip once, check the gradient norm, step or skip.
                if (!skip && clip)
                {
                    double norm = torch.nn.utils.clip_grad_norm_(trainable, maxNorm);
                    if (!double.IsFinite(norm)) { skip = true; gradientNonFinite = true; nonFinite = norm; }
                }
                if (skip)
                {
                    optimizer.zero_grad();
                    _nonFiniteSteps++;
                    _nonFiniteInARow++;
                    NonFiniteSteps.Skipped(logger, gradientNonFinite, nonFinite, epoch, _step + 1, _nonFiniteInARow, options.MaxNonFiniteSteps);
                    _tensorBoard?.Skipped(_step + 1, _nonFiniteSteps);   // the step that ends a run too
                    if (_nonFiniteInARow >= options.MaxNonFiniteSteps)
                        Diverge(epoch, steps + 1, nonFinite, gradientNonFinite, defaultRate * factor);
                }
                else
                {
                    optimizer.step();
                    optimizer.zero_grad();
                    _nonFiniteInARow = 0;
                    lossSum += windowLossSum;
                    examples += windowSeen;
                }

                // The step's loss: the batch's own with k = 1 (exactly what a plain loop reports), else the window's mean.
                double stepLoss = skip ? nonFinite : accumulation == 1 ? lastLoss : windowLossSum / windowSeen;
                steps++;
                _step++;
                if (!skip) _tensorBoard?.Step(_step, stepLoss, controllers);
                progress?.Report(new FineTuneProgress(epoch, options.Epochs, _step, totalSteps, stepLoss, defaultRate * factor, null, FineTunePhase.Training) { NonFiniteSteps = _nonFiniteSteps });
                inWindow = 0;
                windowSeen = 0;
                windowLossSum = 0;
                skip = false;
                gradientNonFinite = false;
            }
            return (examples == 0 ? double.NaN : lossSum / examples, steps, true);
        }

        /// <summary>
        /// <see cref="FineTuneOptions.MaxNonFiniteSteps"/> optimizer steps in a row had a NaN or infinite loss or
        /// gradient norm; none of them was applied. Put the best (or, before any epoch ended, the initial) weights back,
        /// leave every checkpoint on disk as it is, and say what to try.
        /// </summary>
        private void Diverge(int epoch, long stepInEpoch, double value, bool gradient, double rate)
        {
            best.RestoreInto(model);
            model.eval();
            if (gradient) NonFiniteSteps.DivergedOnGradient(logger, epoch, _step + 1, value);
            else FineTuneLog.Diverged(logger, epoch, _step + 1, value);
            string? lastGood = _checkpoints is { BestWritten: true } ? _checkpoints.BestPath : null;
            string holds = _bestEpoch > 0
                ? string.Format(CultureInfo.InvariantCulture, "the weights of epoch {0}, the best so far", _bestEpoch)
                : "the weights it had before training (no epoch finished)";
            string checkpoint = lastGood is not null
                ? $"The last good checkpoint is {lastGood} (epoch {_bestEpoch}); it was not overwritten."
                : _checkpoints is null ? "No checkpoint was written (CheckpointDirectory is not set)." : "No checkpoint was written yet (no epoch finished).";
            string inARow = options.MaxNonFiniteSteps == 1
                ? "MaxNonFiniteSteps is 1, so the first non-finite step stops training"
                : string.Format(CultureInfo.InvariantCulture,
                    "that made {0} optimizer steps in a row with a non-finite loss or gradient (MaxNonFiniteSteps = {0}; each was skipped, {1} in this run)",
                    _nonFiniteInARow, _nonFiniteSteps);
            throw new TrainingDivergedException(string.Format(CultureInfo.InvariantCulture,
                "Training {0} diverged: the {1} became {2} at epoch {3}, step {4} (step {5} of the epoch); {6}. The model now holds {7}. {8} Try a lower learning rate (the default group's rate was {9:G3}), gradient clipping (MaxGradNorm, e.g. 1.0), or a warmup (WarmupSteps/WarmupRatio); if a few bad batches are expected, a larger MaxNonFiniteSteps.",
                plan.ModelName, NonFiniteSteps.What(gradient), value, epoch, _step + 1, stepInEpoch, inARow, holds, checkpoint, rate),
                epoch, _step + 1, lastGood);
        }

        private BatchPlace Place(int epoch, long batch) => new("training", plan.ModelName, epoch, batch, options.BatchSize, InOrder: !options.Shuffle);

        private bool Improves(double metric)
        {
            if (double.IsNaN(metric)) return false;
            if (_bestEpoch == 0) return true;
            return _direction == Direction.Maximize
                ? metric > _bestMetric + options.MinDelta
                : metric < _bestMetric - options.MinDelta;
        }

        /// <summary>The default group's current rate (the first group's when every parameter has a field rate).</summary>
        private double CurrentRate() => controllers.Length > 0 ? controllers[0].LearningRate : options.LearningRate;
    }
}
