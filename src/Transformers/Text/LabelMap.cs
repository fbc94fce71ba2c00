using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Attune.Transformers;

/// <summary>
/// The class names of a classification task and their indices (the label tensor's values, the classifier's output
/// positions). Built from the training rows in <b>sorted (ordinal) order</b> of the names, not first-seen order: the same
/// set of labels then always gets the same indices, however the training file is ordered, shuffled or split.
/// Pass the training set's map to the validation and test sets so they share its indices, and save it with the model
/// (<see cref="ToJson"/>, <see cref="Id2Label"/>) so that predictions can be named.
/// </summary>
public sealed class LabelMap
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;

    /// <summary>A map whose label <c>i</c> is <c>names[i]</c>, in the order given (for a fixed, known order).</summary>
    public LabelMap(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names.ToArray();
        if (_names.Length == 0) throw new ArgumentException("A label map needs at least one label; found none.", nameof(names));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_names[i]))
                throw new ArgumentException($"Label {i} is empty; every label needs a name.", nameof(names));
            if (!_index.TryAdd(_names[i], i))
                throw new ArgumentException($"The label '{_names[i]}' appears twice (indices {_index[_names[i]]} and {i}).", nameof(names));
        }
    }

    /// <summary>The distinct labels of <paramref name="labels"/>, indexed in sorted ordinal order.</summary>
    public static LabelMap FromLabels(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new LabelMap(labels.Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal));
    }

    /// <summary>A map from Hugging Face's <c>id2label</c> form (every index from 0 to count - 1 once).</summary>
    public static LabelMap FromId2Label(IReadOnlyDictionary<int, string> id2label)
    {
        ArgumentNullException.ThrowIfNull(id2label);
        var names = new string[id2label.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = id2label.TryGetValue(i, out var name)
                ? name
                : throw new ArgumentException(
                    $"id2label must number its labels 0 to {names.Length - 1}; index {i} is missing (found {string.Join(", ", id2label.Keys.OrderBy(k => k))}).", nameof(id2label));
        return new LabelMap(names);
    }

    /// <summary>The number of labels.</summary>
    public int Count => _names.Length;

    /// <summary>The label names by index.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The name of label <paramref name="index"/>.</summary>
    public string this[int index] => _names[index];

    /// <summary>The index of a label name (exact, case-sensitive); throws naming the known labels when it has none.</summary>
    public int IndexOf(string label)
        => TryGetIndex(label, out int index)
            ? index
            : throw new KeyNotFoundException($"Unknown label '{label}'; the known labels are {Describe()}.");

    /// <summary>The index of a label name, if it has one.</summary>
    public bool TryGetIndex(string label, out int index) => _index.TryGetValue(label, out index);

    /// <summary>Hugging Face's <c>id2label</c> (index to name), as a model's config.json keeps it.</summary>
    public IReadOnlyDictionary<int, string> Id2Label => Enumerable.Range(0, _names.Length).ToDictionary(i => i, i => _names[i]);

    /// <summary>
    /// The map as JSON in Hugging Face's config form, <c>{"id2label":{"0":"great","1":"other"},"label2id":{"great":0,"other":1}}</c>.
    /// </summary>
    public string ToJson()
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id2label"] = Enumerable.Range(0, _names.Length).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => _names[i]),
            ["label2id"] = Enumerable.Range(0, _names.Length).ToDictionary(i => _names[i], i => i),
        });

    /// <summary>Reads <see cref="ToJson"/>'s form, or any JSON object (a whole config.json) with an <c>id2label</c> member.</summary>
    public static LabelMap FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("id2label", out var id2label)
            || id2label.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("Expected a JSON object with an \"id2label\" object (index to label name); found none.");
        var map = new Dictionary<int, string>();
        foreach (var entry in id2label.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                throw new InvalidDataException($"id2label keys must be label indices (0, 1, ...); found \"{entry.Name}\".");
            map[id] = entry.Value.GetString() ?? throw new InvalidDataException($"id2label[{id}] is null; expected the label's name.");
        }
        return FromId2Label(map);
    }

    /// <summary>The labels with their indices, for messages: <c>'great' (0), 'other' (1)</c>.</summary>
    public string Describe() => string.Join(", ", _names.Select((n, i) => $"'{n}' ({i})"));

    public override string ToString() => $"LabelMap({Describe()})";
}
