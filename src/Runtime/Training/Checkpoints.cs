using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune;

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
        Directory.CreateDirectory(_directory);
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
        Save(model, BestPath, epoch, metric);
        BestWritten = true;
    }

    public void SaveLast(nn.Module model, int epoch, double metric)
    {
        Save(model, LastPath, epoch, metric);
        LastWritten = true;
    }

    /// <summary>The sidecar of a weights file: <c>best.bin</c> → <c>best.json</c>.</summary>
    public static string SidecarPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    private void Save(nn.Module model, string path, int epoch, double metric)
    {
        WriteAtomically(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });
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
        });
    }

    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
