using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>
/// Makes the real-sweep table of the search suite (bench/data/digits-mlp-sweep.csv; issue 14): a digits MLP
/// 64 → hidden → ReLU → 10 trained for real at every point of optimizer {sgd (momentum 0.9), adam, adamw} × learning
/// rate 10^(−4 + k/2), k = 0…6 × hidden {16, 32, 64, 128} × weight decay {1e-5, 1e-4, 1e-3, 1e-2}: 336 configurations.
/// Each is trained with training seeds 0, 1 and 2 (weights and shuffling) for <c>epochs</c> epochs of batches of 32 on
/// the 1437 training rows, and the row records the mean validation accuracy (360 rows) after the last epoch, its
/// spread over the seeds and the mean validation loss. The suite's problem (bench/Attune.SweepBench/Problems/
/// DigitsTableProblem.cs, problems.py) looks these up; the grid formulas must stay the same in all three places.
/// </summary>
internal static class DigitsTableBench
{
    private static readonly string[] Optimizers = ["sgd", "adam", "adamw"];
    private const int Seeds = 3;

    public static int Run(string output, int epochs)
    {
        using var data = BenchData.Load(BenchData.DefaultPath);
        var clock = Stopwatch.StartNew();
        var lines = new List<string> { "optimizer,lr,hidden,weight_decay,val_accuracy,val_accuracy_sd,val_loss,epochs,seeds" };
        foreach (var optimizer in Optimizers)
        for (int l = 0; l < 7; l++)
        for (int h = 0; h < 4; h++)
        for (int d = 0; d < 4; d++)
        {
            double lr = Math.Pow(10, -4 + l / 2.0), decay = Math.Pow(10, -5 + d);
            int hidden = 16 << h;
            var runs = Enumerable.Range(0, Seeds).Select(seed => Train(data, optimizer, lr, hidden, decay, epochs, seed)).ToArray();
            double mean = runs.Average(r => r.Accuracy), loss = runs.Average(r => r.Loss);
            double sd = Math.Sqrt(runs.Sum(r => (r.Accuracy - mean) * (r.Accuracy - mean)) / (Seeds - 1));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{optimizer},{lr:R},{hidden},{decay:R},{mean:F6},{sd:F6},{loss:F6},{epochs},{Seeds}"));
            if (lines.Count % 16 == 1)
                Console.WriteLine($"  {lines.Count - 1,3}/336 configurations, {clock.Elapsed.TotalSeconds:F0} s; last: {lines[^1]}");
        }
        File.WriteAllLines(output, lines);
        Console.WriteLine($"Wrote {lines.Count - 1} configurations to {Path.GetFullPath(output)} in {clock.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }

    private static (double Accuracy, double Loss) Train(BenchData data, string optimizerName, double lr, int hidden, double decay, int epochs, int seed)
    {
        torch.manual_seed(seed);
        using var shuffle = new Generator((ulong)seed);
        using var model = nn.Sequential(
            ("input", nn.Linear(BenchData.Features, hidden)), ("relu", nn.ReLU()), ("output", nn.Linear(hidden, BenchData.Classes)));
        var parameters = model.parameters().ToList();
        using optim.Optimizer optimizer = optimizerName switch
        {
            "sgd" => optim.SGD(parameters, lr, momentum: 0.9, weight_decay: decay),
            "adam" => optim.Adam(parameters, lr, weight_decay: decay),
            _ => optim.AdamW(parameters, lr, weight_decay: decay),
        };
        long n = data.TrainCount;
        const int batch = 32;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n, generator: shuffle);
            for (long start = 0; start < n; start += batch)
            {
                using var scope = torch.NewDisposeScope();
                var index = permutation.narrow(0, start, Math.Min(batch, n - start));
                var loss = nn.functional.cross_entropy(model.call(data.TrainX.index_select(0, index)), data.TrainY.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        model.eval();
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var logits = model.call(data.ValidationX);
            double loss = nn.functional.cross_entropy(logits, data.ValidationY).item<float>();
            double accuracy = logits.argmax(1).eq(data.ValidationY).sum().item<long>() / (double)data.ValidationCount;
            // A diverged run (lr 0.1 with adam) has a NaN loss; its accuracy is what it is, the loss is recorded as such.
            return (accuracy, loss);
        }
    }
}
