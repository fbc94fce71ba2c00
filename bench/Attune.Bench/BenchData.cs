using System.Globalization;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>
/// The digits data (1797 rows: 64 pixels 0..16, then the label 0..9), pixels scaled by 1/16. The split needs no random
/// generator so that C# and Python get exactly the same rows: row i goes to validation when i % 5 == 0 (360 rows),
/// to training otherwise (1437 rows, 45 batches of 32 per epoch).
/// </summary>
internal sealed class BenchData : IDisposable
{
    public const int Features = 64;
    public const int Classes = 10;

    private BenchData(Tensor trainX, Tensor trainY, Tensor validationX, Tensor validationY)
    {
        TrainX = trainX;
        TrainY = trainY;
        ValidationX = validationX;
        ValidationY = validationY;
    }

    public Tensor TrainX { get; }
    public Tensor TrainY { get; }
    public Tensor ValidationX { get; }
    public Tensor ValidationY { get; }
    public long TrainCount => TrainX.shape[0];
    public long ValidationCount => ValidationX.shape[0];

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");

    public static BenchData Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Expected the digits data at '{Path.GetFullPath(path)}'.", path);
        var trainX = new List<float>();
        var trainY = new List<long>();
        var validationX = new List<float>();
        var validationY = new List<long>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        int row = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != Features + 1)
                throw new InvalidDataException($"{path}, row {row + 1}: expected {Features} pixels and a label; found {fields.Length} fields.");
            var (x, y) = row % 5 == 0 ? (validationX, validationY) : (trainX, trainY);
            for (int i = 0; i < Features; i++)
                x.Add(float.Parse(fields[i], CultureInfo.InvariantCulture) / 16f);
            y.Add(long.Parse(fields[Features], CultureInfo.InvariantCulture));
            row++;
        }
        return new BenchData(
            torch.tensor(trainX.ToArray(), new long[] { trainY.Count, Features }).DetachFromDisposeScope(),
            torch.tensor(trainY.ToArray()).DetachFromDisposeScope(),
            torch.tensor(validationX.ToArray(), new long[] { validationY.Count, Features }).DetachFromDisposeScope(),
            torch.tensor(validationY.ToArray()).DetachFromDisposeScope());
    }

    public void Dispose()
    {
        TrainX.Dispose();
        TrainY.Dispose();
        ValidationX.Dispose();
        ValidationY.Dispose();
    }
}
