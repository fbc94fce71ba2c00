using System;
using System.Collections.Generic;
using System.Linq;
using Attune.Search;

namespace Attune.Reports;

/// <summary>
/// A study's report: one self-contained HTML file (works offline) with the optimization history and best-so-far,
/// parameter importances, parallel coordinates, a slice per parameter, intermediate values with pruned trials and the
/// steps where they were pruned (ASHA's rungs), and a sortable, paged trial table. What each chart shows:
/// docs/reports.md.
/// </summary>
public static class StudyReport
{
    /// <summary>Writes the report of <paramref name="studyName"/> in <paramref name="storage"/> (named as
    /// <see cref="SweepOptions.Storage"/> names it: a SQLite file, a connection string, null for the default file) to
    /// <paramref name="htmlPath"/>. Nothing is created in the storage.</summary>
    /// <exception cref="InvalidOperationException">There is no such study (the message lists the studies there are).</exception>
    public static void Write(string? storage, string studyName, string htmlPath)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(htmlPath);
        // Studies.List opens nothing that is not there (no empty SQLite file is left behind for a wrong path).
        var listed = Studies.List(storage);
        if (!listed.Any(s => s.Name == studyName))
            throw new InvalidOperationException(NoStudy(studyName, storage ?? StudyStorage.DefaultFile, listed.Select(s => s.Name).ToList()));
        using var opened = StudyStorage.Open(storage);
        Write(opened, studyName, htmlPath);
    }

    /// <summary>Writes the report of <paramref name="studyName"/> in an open storage to <paramref name="htmlPath"/>.</summary>
    /// <exception cref="InvalidOperationException">There is no such study (the message lists the studies there are).</exception>
    public static void Write(IStudyStorage storage, string studyName, string htmlPath)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(htmlPath);
        if (storage.FindStudy(studyName) is not { } study)
            throw new InvalidOperationException(NoStudy(studyName, storage.Location, storage.ListStudies().Select(s => s.Name).ToList()));
        var trials = storage.GetTrialsChangedSince(study.Id, 0).Trials.OrderBy(t => t.Number).ToList();
        StudyPage.Build(study, SpaceText.Parse(study.SpaceText), trials, ObjectiveSettings.Parse(storage.ReadSettings(study.Id))).Write(htmlPath);
    }

    /// <summary>Writes the report of a sweep's study (the one <paramref name="result"/> came from, in
    /// <paramref name="storage"/>: the sweep's <see cref="SweepOptions.Storage"/>; null for the default file).</summary>
    public static void WriteReport<T>(this SweepResult<T> result, string htmlPath, string? storage = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Write(storage, result.StudyName, htmlPath);
    }

    private static string NoStudy(string name, string where, IReadOnlyList<string> found)
        => $"No study named '{name}' in {where}: expected a study a sweep created there, found " +
           (found.Count == 0 ? "no study at all (is this the storage the sweep used? SweepOptions.Storage names it)" : "only " + string.Join(", ", found.Select(n => $"'{n}'"))) + ".";
}
