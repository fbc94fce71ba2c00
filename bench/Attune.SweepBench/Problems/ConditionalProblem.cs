using Attune.Search;

namespace Attune.SweepBench.Problems;

/// <summary>
/// A space with conditional parameters, as an optimizer choice makes them: momentum exists only for sgd and rmsprop,
/// beta1/beta2 only for adam and adamw, weight decay only for adamw. Each optimizer has its own best learning rate.
/// </summary>
public static class ConditionalProblem
{
    public static readonly string[] Optimizers = ["sgd", "adam", "adamw", "rmsprop"];
    private static readonly double[] BestLog10Lr = [-1, -3, -3, -3.5];
    private static readonly double[] Penalty = [0.15, 0.1, 0, 0.2];

    public static BenchmarkProblem Problem() =>
        new("conditional", "conditional", Space(), Evaluate, 0, [2, 1e-3, double.NaN, 0.9, 0.999, 1e-2, 0.1]);

    public static SearchSpace Space() => new("conditional",
    [
        new ParameterSpec("optimizer", ParameterKind.Categorical, Choices: Optimizers),
        new ParameterSpec("lr", ParameterKind.Float, 1e-5, 1, Log: true),
        new ParameterSpec("momentum", ParameterKind.Float, 0, 0.99, Condition: new ParameterCondition("optimizer", [0, 3])),
        new ParameterSpec("beta1", ParameterKind.Float, 0.8, 0.99, Condition: new ParameterCondition("optimizer", [1, 2])),
        new ParameterSpec("beta2", ParameterKind.Float, 0.9, 0.9999, Condition: new ParameterCondition("optimizer", [1, 2])),
        new ParameterSpec("weight_decay", ParameterKind.Float, 1e-6, 1e-1, Log: true, Condition: new ParameterCondition("optimizer", [2])),
        new ParameterSpec("dropout", ParameterKind.Float, 0, 0.5),
    ]);

    /// <summary>(log10 lr − best)² + the optimizer's penalty + its own parameters' bowls + 2 (dropout − 0.1)².
    /// sgd wants momentum 0.9, rmsprop 0.5; adam(w) want beta1 0.9 and beta2 0.999 (log10(1 − beta2) = −3); adamw wants
    /// weight decay 1e-2. Minimum 0 with adamw at lr 1e-3.</summary>
    public static double Evaluate(IReadOnlyList<double> x)
    {
        int optimizer = (int)x[0];
        double lr = Math.Log10(x[1]) - BestLog10Lr[optimizer], dropout = x[6] - 0.1;
        double f = lr * lr + Penalty[optimizer] + 2 * dropout * dropout;
        switch (optimizer)
        {
            case 0: f += 4 * (x[2] - 0.9) * (x[2] - 0.9); break;
            case 3: f += (x[2] - 0.5) * (x[2] - 0.5); break;
            default:
                double beta2 = Math.Log10(1 - x[4]) + 3;
                f += 10 * (x[3] - 0.9) * (x[3] - 0.9) + 0.1 * beta2 * beta2;
                if (optimizer == 2) { double wd = Math.Log10(x[5]) + 2; f += 0.2 * wd * wd; }
                break;
        }
        return f;
    }
}
