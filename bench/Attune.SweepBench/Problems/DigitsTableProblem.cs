using System.Globalization;
using Attune.Search;

namespace Attune.SweepBench.Problems;

/// <summary>
/// The real sweep: a digits MLP (64 → hidden → 10) trained for real with TorchSharp at every point of a grid of
/// optimizer × learning rate × hidden width × weight decay (3 × 7 × 4 × 4 = 336 runs), its validation accuracy recorded in
/// bench/data/digits-mlp-sweep.csv (made by `Attune.Bench digits-table`; see bench/data/README.md). The sweep looks
/// values up: a proposal is snapped to the nearest grid point on each parameter's own scale (log for lr, width and
/// weight decay). Minimized: validation error = 1 − accuracy; the minimum is the table's best row.
/// </summary>
public static class DigitsTableProblem
{
    public static readonly string[] Optimizers = ["sgd", "adam", "adamw"];
    public const int LrPoints = 7, WidthPoints = 4, DecayPoints = 4;

    /// <summary>The grid: lr = 10^(−4 + k/2), hidden = 16·2^k, weight decay = 10^(−5 + k).</summary>
    public static double Lr(int k) => Math.Pow(10, -4 + k / 2.0);
    public static int Hidden(int k) => 16 << k;
    public static double WeightDecay(int k) => Math.Pow(10, -5 + k);

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "digits-mlp-sweep.csv");

    public static SearchSpace Space() => new("digits-mlp",
    [
        new ParameterSpec("optimizer", ParameterKind.Categorical, Choices: Optimizers),
        new ParameterSpec("lr", ParameterKind.Float, 1e-4, 1e-1, Log: true),
        new ParameterSpec("hidden", ParameterKind.Int, 16, 128, Log: true, Step: 1),
        new ParameterSpec("weight_decay", ParameterKind.Float, 1e-5, 1e-2, Log: true),
    ]);

    /// <summary>The grid indexes nearest to internal values (round half up, the same rule as problems.py).</summary>
    public static (int Optimizer, int Lr, int Hidden, int Decay) Snap(IReadOnlyList<double> x) =>
        ((int)x[0],
         Nearest((Math.Log10(x[1]) + 4) * 2, LrPoints),
         Nearest(Math.Log2(x[2]) - 4, WidthPoints),
         Nearest(Math.Log10(x[3]) + 5, DecayPoints));

    private static int Nearest(double position, int count) => Math.Clamp((int)Math.Floor(position + 0.5), 0, count - 1);

    /// <summary>Loads the table; every grid point must be present exactly once.</summary>
    public static BenchmarkProblem Problem(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
            throw new FileNotFoundException($"Expected the digits sweep table at '{Path.GetFullPath(path)}'; make it with `dotnet run -c Release --project bench/Attune.Bench -- digits-table`.", path);
        var error = new double[Optimizers.Length, LrPoints, WidthPoints, DecayPoints];
        var seen = new bool[Optimizers.Length, LrPoints, WidthPoints, DecayPoints];
        var lines = File.ReadAllLines(path);
        const string header = "optimizer,lr,hidden,weight_decay,val_accuracy";
        if (lines.Length == 0 || !lines[0].StartsWith(header, StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected the header to start with '{header}'; found '{(lines.Length > 0 ? lines[0] : "")}'.");
        for (int row = 1; row < lines.Length; row++)
        {
            if (lines[row].Length == 0) continue;
            var f = lines[row].Split(',');
            int optimizer = Array.IndexOf(Optimizers, f[0]);
            if (optimizer < 0) throw new InvalidDataException($"{path}, line {row + 1}: expected an optimizer of {string.Join(", ", Optimizers)}; found '{f[0]}'.");
            double P(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            var (o, l, h, d) = Snap([optimizer, P(1), P(2), P(3)]);
            if (seen[o, l, h, d]) throw new InvalidDataException($"{path}, line {row + 1}: grid point ({f[0]}, {f[1]}, {f[2]}, {f[3]}) appears twice.");
            seen[o, l, h, d] = true;
            error[o, l, h, d] = 1 - P(4);
        }
        int count = seen.Cast<bool>().Count(s => s);
        if (count != error.Length) throw new InvalidDataException($"{path}: expected all {error.Length} grid points; found {count}.");

        double best = double.PositiveInfinity;
        double[] optimum = [];
        for (int o = 0; o < Optimizers.Length; o++)
        for (int l = 0; l < LrPoints; l++)
        for (int h = 0; h < WidthPoints; h++)
        for (int d = 0; d < DecayPoints; d++)
            if (error[o, l, h, d] < best) { best = error[o, l, h, d]; optimum = [o, Lr(l), Hidden(h), WeightDecay(d)]; }

        double Evaluate(IReadOnlyList<double> x) { var (o, l, h, d) = Snap(x); return error[o, l, h, d]; }
        return new BenchmarkProblem("digits-mlp", "real", Space(), Evaluate, best, optimum);
    }
}
