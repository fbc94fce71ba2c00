using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Writes <c>best.bin</c> and <c>last.bin</c> (TorchSharp's <c>module.save</c> format, loadable with
/// <c>module.load</c> or <c>LoadPretrained</c>) and a JSON sidecar next to each. Every file is
/// written to a temporary file in the same directory, flushed to disk, then moved over the old one, so a crash
/// mid-write never leaves a torn checkpoint: the previous good file stays until the new one is complete.
/// </summary>
internal sealed class Checkpoints
{
    public const string BestFile = "best.bin";
    public const string LastFile = "last.bin";

    private readonly string _directory;
    private readonly string _modelName;
    private readonly Metric _metric;
    private readonly Direction _direction;

    public Checkpoints(string directory, string modelName, Metric metric, Direction direction)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory); // TrainingRun checked it with a probe write (CheckpointDirectory.Ensure)
        _modelName = modelName;
        _metric = metric;
        _direction = direction;
        BestPath = Path.Combine(_directory, BestFile);
        LastPath = Path.Combine(_directory, LastFile);
    }

    public string BestPath { get; }
    public string LastPath { get; }
    /// <summary>Whether best.bin was written by this run (a file from an earlier run is not this run's best).</summary>
    public bool BestWritten { get; private set; }
    public bool LastWritten { get; private set; }

    public void SaveBest(nn.Module model, int epoch, double metric)
    {
        Save(model, BestPath, "best", epoch, metric, BestWritten ? _bestEpoch : null);
        BestWritten = true;
        _bestEpoch = epoch;
    }

    public void SaveLast(nn.Module model, int epoch, double metric)
    {
        Save(model, LastPath, "last", epoch, metric, LastWritten ? _lastEpoch : null);
        LastWritten = true;
        _lastEpoch = epoch;
    }

    private int _bestEpoch, _lastEpoch;

    /// <summary>The sidecar of a weights file: <c>best.bin</c> → <c>best.json</c>.</summary>
    public static string SidecarPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>Writes the weights, then the sidecar; previousEpoch is the epoch of the file this run wrote there last (null: none, or an earlier run's).</summary>
    private void Save(nn.Module model, string path, string kind, int epoch, double metric, int? previousEpoch)
    {
        string what = string.Format(CultureInfo.InvariantCulture, "the {0} checkpoint of {1} after epoch {2}", kind, _modelName, epoch);
        string? previous = previousEpoch is int e ? string.Format(CultureInfo.InvariantCulture, "the {0} checkpoint of epoch {1}", kind, e) : null;
        WriteAtomically(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        }, what, previous);
        WriteAtomically(SidecarPath(path), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", _modelName);
            json.WriteString("weights", Path.GetFileName(path));
            json.WriteNumber("epoch", epoch);
            json.WriteString("metric", _metric.ToString());
            json.WriteString("direction", _direction.ToString());
            if (double.IsFinite(metric)) json.WriteNumber("value", metric);
            else json.WriteNull("value");
            json.WriteString("savedAt", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }, "the sidecar of " + what + $" ({Path.GetFileName(path)} itself was written)", previous is null ? null : "the sidecar of " + previous);
    }

    /// <summary>
    /// A test seam, null in production: wraps the temporary file's stream, so that where a small file system cannot be
    /// mounted the runtime tests can still make a write fail as a full disk does (an IOException from Write).
    /// </summary>
    internal static Func<Stream, Stream>? TempStreamWrapper;

    /// <summary>
    /// Writes <paramref name="path"/> through a temporary file in the same directory, flushed and then moved over it,
    /// so the previous file stays whole until the new one is. On failure the temporary file is removed and a
    /// <see cref="CheckpointWriteException"/> says what was being written (<paramref name="what"/>), where, why, and
    /// that the previous file (<paramref name="previous"/>, when known) was kept.
    /// </summary>
    internal static void WriteAtomically(string path, Action<Stream> write, string what, string? previous = null)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var target = TempStreamWrapper?.Invoke(stream) ?? stream;
                write(target);
                target.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            bool removed = TryDelete(temp);
            throw Failed(path, what, previous, removed, temp, ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static bool TryDelete(string file)
    {
        try { File.Delete(file); return !File.Exists(file); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static CheckpointWriteException Failed(string path, string what, string? previous, bool removed, string temp, Exception ex)
    {
        string directory = Path.GetDirectoryName(path)!;
        bool kept = File.Exists(path);
        string keptText = kept
            ? $"The previous file at {path} ({previous ?? "written by an earlier run, or before this one resumed"}) was kept intact"
            : $"There was no earlier file at {path}";
        string tempText = removed ? "the partial temporary file was removed" : $"the partial temporary file {temp} could not be removed; delete it";
        return new CheckpointWriteException(
            $"Could not write {what} to {path} (directory {directory}); the system said: {ex.Message.TrimEnd('.', ' ')}. {keptText}; {tempText}. Free space on that disk or make the directory writable (or set CheckpointDirectory to another folder and copy the kept files there), then run again with Resume = true to continue from the last epoch saved in resume.bin.",
            directory, path, kept, ex);
    }
}
