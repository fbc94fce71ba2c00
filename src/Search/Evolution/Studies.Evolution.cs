using System;
using System.Collections.Generic;

namespace Attune.Search;

// Studies that evolve: a queue of configurations to run first, trials copied from another study, and explicit,
// recorded changes of a study's space.
public static partial class Studies
{
    /// <summary>
    /// Enqueues <paramref name="parameters"/> to run before anything is sampled in the study a sweep with
    /// <paramref name="options"/> runs (default: the type's <c>[TuneSpace]</c> options), creating the study if needed.
    /// The queue is stored in the study, so it survives a crash and every worker of every process shares it; each entry
    /// runs exactly once, in order, and counts toward <see cref="SweepOptions.Trials"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is outside its range or grid, or not one of its choices (the
    /// message names the parameter, its value and what was expected).</exception>
    public static QueuedTrial Enqueue<T>(T parameters, SweepOptions? options = null) where T : ITuneSpace<T>
    {
        options ??= T.DefaultSweepOptions;
        using var storage = StudyStorage.Open(options.Storage);
        return Enqueue(storage, options.StudyName ?? T.Space.Name, parameters, options.Direction);
    }

    /// <summary>As <see cref="Enqueue{T}(T, SweepOptions?)"/> in an open storage, for study <paramref name="studyName"/>
    /// (created with <paramref name="direction"/> if it does not exist).</summary>
    public static QueuedTrial Enqueue<T>(IStudyStorage storage, string studyName, T parameters, Direction direction) where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(parameters);
        if (direction is not (Direction.Maximize or Direction.Minimize))
            throw new ArgumentException($"The direction is {direction}; expected Maximize or Minimize (the study is created with it if it does not exist yet).", nameof(direction));
        var values = StudyEvolution.CheckedForQueue(T.Space, parameters.Encode(), studyName, parameters);
        var study = storage.OpenStudy(studyName, T.Space, direction);
        return storage.Enqueue(study.Id, values);
    }

    /// <summary>The queue of study <paramref name="studyName"/>, in order (entries run and waiting); empty when there is no such study.</summary>
    public static IReadOnlyList<QueuedTrial> Queue(IStudyStorage storage, string studyName)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.FindStudy(studyName) is { } study ? storage.ReadQueue(study.Id) : Array.Empty<QueuedTrial>();
    }

    /// <summary>
    /// Changes the space of study <paramref name="studyName"/> to <typeparamref name="T"/>'s, as <paramref name="change"/>
    /// allows, keeping every trial (their values are rewritten by parameter name) and recording the migration in the
    /// study. Returns the migration, or null when the study already has this space or does not exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">The change is not allowed (every reason is listed); nothing was changed.</exception>
    public static SpaceMigration? MigrateSpace<T>(IStudyStorage storage, string studyName, SpaceChange change) where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(change);
        return storage.FindStudy(studyName) is { } study ? StudyEvolution.Migrate(storage, study, T.Space, change) : null;
    }

    /// <summary>The recorded space migrations of study <paramref name="studyName"/>, oldest first.</summary>
    public static IReadOnlyList<SpaceMigration> Migrations(IStudyStorage storage, string studyName)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.FindStudy(studyName) is { } study ? storage.ReadMigrations(study.Id) : Array.Empty<SpaceMigration>();
    }

    /// <summary>
    /// Copies the finished trials of study <paramref name="fromStudy"/> (in <paramref name="from"/>; any space) that fit
    /// <typeparamref name="T"/>'s space into study <paramref name="toStudy"/> (in <paramref name="to"/>, created if
    /// needed with the source's direction, or <paramref name="direction"/>), with their values, states, intermediate
    /// values and where they came from, so samplers use them. Copied trials do not count toward
    /// <see cref="SweepOptions.Trials"/>. Trials are matched by parameter name; <paramref name="change"/> gives values for
    /// parameters the source lacks (<see cref="SpaceChange.WithDefault"/>) and, with
    /// <see cref="SpaceChange.AllowsNarrowing"/>, lets trials that set a parameter this space lacks be copied without it.
    /// Copying twice from the same source copies nothing the second time.
    /// </summary>
    /// <returns>How many were copied, and each trial that was not, with why.</returns>
    public static WarmStartReport CopyTrials<T>(IStudyStorage from, string fromStudy, IStudyStorage to, string toStudy, Direction? direction = null, SpaceChange? change = null)
        where T : ITuneSpace<T>
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(fromStudy);
        ArgumentNullException.ThrowIfNull(toStudy);
        var source = from.FindStudy(fromStudy) ?? throw new ArgumentException($"There is no study '{fromStudy}' in {from.Location} to copy trials from.", nameof(fromStudy));
        var target = to.OpenStudy(toStudy, T.Space, direction ?? source.Direction);
        return StudyEvolution.CopyTrials(from, source, to, target, T.Space, change);
    }
}
