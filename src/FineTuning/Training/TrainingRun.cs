using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;
using Attune.Search;

namespace Attune.FineTuning;

/// <summary>
/// The body of <see cref="FineTuner.Run"/>: checks the options and the data, builds what the run needs (groups,
/// optimizer, the one <see cref="TrainerState"/>, the resume session, the callbacks), then hands over to
/// <see cref="TrainingLoop{TInput}"/>.
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
        ITrial? trial) where TInput : notnull
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
        var state = new TrainerState(plan.ModelName, options.Epochs, totalSteps);
        var freezes = new FreezeSchedule(plan, groups, options.Epochs, logger, state.UnfrozenList);
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
        CallbackList? callbacks = null;
        try
        {
            // After seeding and building the optimizer, so that a resumed run overwrites exactly the state a fresh run starts from.
            var resume = ResumeSession.Open(model, plan, groups, options, train.Count, freezes, best, optimizer, shuffle, logger, state);
            var checkpoints = options.CheckpointDirectory is { } dir ? new Checkpoints(dir, plan.ModelName, options.Metric, options.EffectiveDirection) : null;
            // A sweep's trials stay quiet: the sweep shows its own progress, and many runs' lines would interleave.
            progress ??= options.ConsoleProgress && trial is null ? new ConsoleProgress(ShortName(plan.ModelName)) : null;
            callbacks = BuiltInCallbacks.Create(options, model, logger, checkpoints, TensorBoardLog.Open(options, groups.Groups, controllers), progress, trial, groups.Groups);
            var optimization = new Optimization(optimizer, controllers, baseRates, schedule, groups, options.MaxGradNorm, options.LearningRate);
            var run = new TrainingLoop<TInput>(model, plan, train, validation, options, logger, cancellationToken,
                new LossParts(loss, lossIsFloat32, createMetric), optimization, state, callbacks, best, shuffle, freezes, resume, checkpoints);
            var report = run.Run();
            return lora is null ? report : lora.Annotate(report);
        }
        finally
        {
            // The TensorBoard file is buffered: whatever ends the run (done, cancelled, diverged, an error), it is flushed.
            callbacks?.DisposeBuiltIns();
            optimizer.Dispose();
            best.Dispose();
            shuffle?.Dispose();
        }
    }

    /// <summary>The model's type name without its namespace, for progress lines ("Samples.DigitClassifier" → "DigitClassifier").</summary>
    private static string ShortName(string modelName) => modelName[(modelName.LastIndexOf('.') + 1)..];
}

/// <summary>The loss, whether its value is float32 (read as such: one host read per batch), and the metric's factory.</summary>
internal sealed record LossParts(Func<Tensor, Tensor, Tensor> Loss, bool IsFloat32, Func<MetricAccumulator> CreateMetric);
