using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Attune.Search;

public static partial class Sweep
{
    /// <summary>
    /// Runs a sweep whose objective returns a score type (<c>[ObjectiveScore]</c>): several objectives, each with its
    /// direction, and constraints. The study's <c>value</c> is the first objective (its direction is the study's; the
    /// options' <see cref="SweepOptions.Direction"/> is not used); every objective and constraint is stored per trial.
    /// The result holds the Pareto front. Pruning is not supported with several objectives.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid, or ask for a pruner with several objectives.</exception>
    public static SweepResult<T, TScore> Run<T, TScore>(Func<Trial<T>, TScore> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null,
        CancellationToken cancellationToken = default)
        where T : ITuneSpace<T> where TScore : IObjectiveScore<TScore>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return RunAsync<T, TScore>(trial => Task.FromResult(objective(trial)), options, sampler: null, pruner: null, storage: null, progress, logger, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>As <see cref="Run{T, TScore}(Func{Trial{T}, TScore}, SweepOptions, IProgress{SweepProgress}?, ILogger?, CancellationToken)"/> with an asynchronous objective.</summary>
    public static Task<SweepResult<T, TScore>> RunAsync<T, TScore>(Func<Trial<T>, Task<TScore>> objective, SweepOptions options, IProgress<SweepProgress>? progress = null, ILogger? logger = null,
        CancellationToken cancellationToken = default)
        where T : ITuneSpace<T> where TScore : IObjectiveScore<TScore>
        => RunAsync(objective, options, sampler: null, pruner: null, storage: null, progress, logger, cancellationToken);

    /// <summary>As <see cref="RunAsync{T, TScore}(Func{Trial{T}, Task{TScore}}, SweepOptions, IProgress{SweepProgress}?, ILogger?, CancellationToken)"/>
    /// with your own sampler, pruner or storage; a null one is taken from <paramref name="options"/>. A storage passed here is not disposed.</summary>
    public static async Task<SweepResult<T, TScore>> RunAsync<T, TScore>(Func<Trial<T>, Task<TScore>> objective, SweepOptions options, ISampler? sampler, IPruner? pruner = null,
        IStudyStorage? storage = null, IProgress<SweepProgress>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        where T : ITuneSpace<T> where TScore : IObjectiveScore<TScore>
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var schema = TScore.ObjectiveSchema;
        // The study's direction is the first objective's: its single value column keeps meaning that objective.
        options = options with { Direction = schema.Objectives[0].Direction };
        var problems = options.Validate().ToList();
        if (schema.Objectives.Count > 1 && (pruner is not null || options.Pruner != Pruner.None))
            problems.Add($"Pruner is {(pruner is null ? options.Pruner.ToString() : pruner.GetType().Name)}, but {typeof(TScore).Name} has {schema.Objectives.Count} objectives " +
                         "and pruning compares one intermediate value; use Pruner.None with several objectives.");
        if (problems.Count > 0)
            throw new ArgumentException("The sweep options are not valid:\n" + string.Concat(problems.Select(p => "  - " + p + "\n")).TrimEnd('\n'), nameof(options));

        string settings = $"sampler {(sampler is null ? options.Sampler.ToString() : sampler.GetType().Name)}, " +
                          $"pruner {(pruner is null ? options.Pruner.ToString() : pruner.GetType().Name)}, seed {options.Seed}, {ObjectiveSettings.Describe(schema)}";
        sampler ??= SweepAlgorithms.CreateSampler(options);
        pruner ??= SweepAlgorithms.CreatePruner(options);
        var owned = storage is null ? StudyStorage.Open(options.Storage) : null;
        try
        {
            progress ??= options.ConsoleProgress ? new ConsoleSweepProgress() : null;
            var driver = new SweepDriver<T>(async trial => Scores(await objective(trial).ConfigureAwait(false), schema), options, sampler, pruner, storage ?? owned!, progress, logger)
            { Settings = settings, Schema = schema };
            var result = await driver.RunAsync(cancellationToken).ConfigureAwait(false);
            var trials = result.Trials.Select(t => new ScoredTrial<T, TScore>(t.Number, t.Parameters, t.State,
                    t.State == TrialState.Complete && t.Objectives is { } o ? TScore.FromValues(o, t.Constraints ?? Array.Empty<double>()) : default,
                    ParetoRanking.IsFeasible(t.Constraints), t.Intermediate, t.Error, t.Duration)
                { Failure = t.Failure, Objectives = t.Objectives, Constraints = t.Constraints })
                .ToList();
            return new SweepResult<T, TScore>(result.StudyName, trials, result.Cancelled, result.TimedOut);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>A returned score's values, checked against its schema (a null score or wrong counts is the objective's error).</summary>
    private static TrialScores Scores<TScore>(TScore score, ObjectiveSchema schema) where TScore : IObjectiveScore<TScore>
    {
        if (score is null) throw new InvalidOperationException($"The objective returned null; expected a {typeof(TScore).Name}.");
        var objectives = TScore.GetObjectives(score);
        var constraints = TScore.GetConstraints(score);
        if (objectives.Length != schema.Objectives.Count || constraints.Length != schema.Constraints.Count)
            throw new InvalidOperationException($"{typeof(TScore).Name} gave {objectives.Length} objective(s) and {constraints.Length} constraint(s); its schema declares {schema.Objectives.Count} and {schema.Constraints.Count}.");
        return new TrialScores(objectives, constraints);
    }
}
