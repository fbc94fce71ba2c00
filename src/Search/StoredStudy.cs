using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// A study read without its <c>[TuneSpace]</c> type: what a tool that never saw the program (the <c>attune</c> command,
/// a notebook) can know of it. <see cref="Space"/> is rebuilt from the space text the study stores, so parameters keep
/// their natural values (ints, choices) in exports; <see cref="Studies.Load{T}(IStudyStorage, string)"/> gives the typed view.
/// </summary>
public sealed class StoredStudy
{
    internal StoredStudy(StudyInfo info, string location, IReadOnlyList<StoredTrial> trials)
    {
        Info = info;
        Location = location;
        Trials = trials.OrderBy(t => t.Number).ToList();
        Space = StudyCodec.ParseSpace(info.Name, info.SpaceText, info.Fingerprint);
        foreach (var t in Trials)
            if (t is { State: TrialState.Complete, Value: { } v } && (Best is null || (info.Direction == Direction.Maximize ? v > Best.Value : v < Best.Value)))
                Best = t;
    }

    /// <summary>The study's identity, stored space text, fingerprint, direction and creation time.</summary>
    public StudyInfo Info { get; }

    /// <summary>One line a person reads: "study 'demo' in SQLite file '…' (minimize): 12 trials, best 1.975 (#11)".</summary>
    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"study '{Name}' in {Location} ({Direction.ToString().ToLowerInvariant()}): {Trials.Count} trial{(Trials.Count == 1 ? "" : "s")}{(Best is { Value: { } v } ? $", best {v:G6} (#{Best.Number})" : ", none complete")}");

    public string Name => Info.Name;
    public Direction Direction => Info.Direction;

    /// <summary>Where the study is, as <see cref="IStudyStorage.Location"/> says it (never a connection string).</summary>
    public string Location { get; }

    /// <summary>The space rebuilt from the stored text; null when that text cannot be read back into a space with the
    /// stored fingerprint, so callers fall back to the text. Known limit: the text lists choices joined by ", ", so a
    /// choice whose own text holds ", " reads back as two (the fingerprint, a hash of the same text, cannot tell).</summary>
    public SearchSpace? Space { get; }

    /// <summary>Every trial, by number.</summary>
    public IReadOnlyList<StoredTrial> Trials { get; }

    /// <summary>The Complete trial with the best value in the study's direction; null when none completed.</summary>
    public StoredTrial? Best { get; }

    /// <summary>The latest time any trial started, finished or sent a heartbeat (the study's creation when it has none).</summary>
    public DateTimeOffset LastActivity
        => Trials.Select(t => Max(Max(t.Started, t.Finished ?? t.Started), t.Heartbeat)).DefaultIfEmpty(Info.Created).Max();

    /// <summary>The parameter names, in space order: from the space, else from the stored text's lines.</summary>
    public IReadOnlyList<string> ParameterNames
        => Space?.Parameters.Select(p => p.Name).ToList()
           ?? Info.SpaceText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ", 2)[0]).ToList();

    /// <summary>A trial's parameters as the CSV export writes them (invariant text; ints as integers, categoricals as
    /// their choice), null for an inactive one. Without a <see cref="Space"/>, the internal values.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> ParameterTexts(StoredTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var names = ParameterNames;
        var texts = new List<KeyValuePair<string, string?>>(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            double v = i < trial.Values.Count ? trial.Values[i] : double.NaN;
            string? text = Space is null
                ? (double.IsFinite(v) ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null)
                : Space.IsActive(i, trial.Values) && double.IsFinite(v) ? StudyCodec.NaturalText(Space.Parameters[i], v) : null;
            texts.Add(new(names[i], text));
        }
        return texts;
    }

    /// <summary>A trial's parameters as a JSON object with natural types, as the JSON export's <c>params</c> (null for
    /// an inactive one). Without a <see cref="Space"/>, the internal values.</summary>
    public string ParametersJson(StoredTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (Space is not null)
        {
            var values = trial.Values.Select((v, i) => i < Space.Parameters.Count && Space.IsActive(i, trial.Values) ? v : double.NaN).ToList();
            return StudyCodec.ParamsJson(Space, values);
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            var names = ParameterNames;
            for (int i = 0; i < names.Count; i++)
            {
                double v = i < trial.Values.Count ? trial.Values[i] : double.NaN;
                if (double.IsFinite(v)) json.WriteNumber(names[i], v); else json.WriteNull(names[i]);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>How long a finished trial ran; null while it runs.</summary>
    public static TimeSpan? Duration(StoredTrial trial) => trial.Finished is { } f ? f - trial.Started : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
