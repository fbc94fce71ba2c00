using System.Globalization;
using System.IO.Compression;
using Attune;
using Attune.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

namespace Digits;

/// <summary>One labelled 8x8 digit: 64 pixels scaled to [0, 1] and its class.</summary>
public readonly record struct Digit(float[] Pixels, int Label);

/// <summary>The few-shot task both samples use: digits 5–9 relabelled 0–4, <c>shots</c> per class to train, as many to
/// validate, every other image held out.</summary>
public sealed record FewShotTask(LabeledTensors Train, LabeledTensors Validation, LabeledTensors HeldOut, int TrainCount, int ValidationCount, int HeldOutCount)
{
    public static FewShotTask From(IEnumerable<Digit> fiveToNine, int shots, int seed)
    {
        var (fewShot, rest) = DigitsData.TakePerClass(fiveToNine, shots, seed);
        var (validation, heldOut) = DigitsData.TakePerClass(rest, shots, seed + 1);
        return new FewShotTask(DigitsData.ToDataset(fewShot, labelOffset: 5), DigitsData.ToDataset(validation, labelOffset: 5),
            DigitsData.ToDataset(heldOut, labelOffset: 5), fewShot.Count, validation.Count, heldOut.Count);
    }

    public string Describe() => $"Few-shot task: {TrainCount} training, {ValidationCount} validation, {HeldOutCount} held-out images of 5-9.";
}

/// <summary>Reads data/digits.csv.gz (UCI optical digits, CC BY 4.0; see data/README.md).</summary>
public static class DigitsData
{
    public static IReadOnlyList<Digit> Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Expected the digits data set at '{Path.GetFullPath(path)}'.", path);
        var digits = new List<Digit>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 65)
                throw new InvalidDataException($"{path}, line {lineNumber}: expected 64 pixels and a label (65 fields); found {fields.Length}.");
            var pixels = new float[64];
            for (int i = 0; i < 64; i++)
                pixels[i] = float.Parse(fields[i], CultureInfo.InvariantCulture) / 16f;
            digits.Add(new Digit(pixels, int.Parse(fields[64], CultureInfo.InvariantCulture)));
        }
        return digits;
    }

    /// <summary>Share of <paramref name="data"/> whose arg-max prediction is its label (the model is left in eval mode).</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, LabeledTensors data)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var predicted = model.forward(data.Features).argmax(1);
        return predicted.eq(data.Labels).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Features [n, 64] float32 and labels [n] int64, with labels shifted by <paramref name="labelOffset"/>.</summary>
    public static LabeledTensors ToDataset(IReadOnlyList<Digit> digits, int labelOffset = 0)
    {
        var features = new float[digits.Count * 64];
        var labels = new long[digits.Count];
        for (int i = 0; i < digits.Count; i++)
        {
            Array.Copy(digits[i].Pixels, 0, features, i * 64, 64);
            labels[i] = digits[i].Label - labelOffset;
        }
        return new LabeledTensors(torch.tensor(features, new long[] { digits.Count, 64 }), torch.tensor(labels));
    }

    /// <summary>Splits digits into the first <paramref name="perClass"/> of each class (in a seeded shuffle) and the rest.</summary>
    public static (List<Digit> Taken, List<Digit> Others) TakePerClass(IEnumerable<Digit> digits, int perClass, int seed)
    {
        var shuffled = digits.OrderBy(_ => 0).ToList();
        var random = new Random(seed);
        for (int i = shuffled.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }
        var taken = new List<Digit>();
        var rest = new List<Digit>();
        var counts = new Dictionary<int, int>();
        foreach (var digit in shuffled)
        {
            counts.TryGetValue(digit.Label, out int count);
            if (count < perClass) { taken.Add(digit); counts[digit.Label] = count + 1; }
            else rest.Add(digit);
        }
        return (taken, rest);
    }
}
