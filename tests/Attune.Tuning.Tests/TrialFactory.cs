using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>Builds histories for sampler and pruner tests.</summary>
internal static class TrialFactory
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FrozenTrial Complete(int number, double[] values, double value, Dictionary<int, double>? intermediate = null) =>
        new(number, TrialState.Complete, values, value, intermediate ?? new Dictionary<int, double>(), Epoch.AddMinutes(number), Epoch.AddMinutes(number + 1));

    public static FrozenTrial Running(int number, double[] values, Dictionary<int, double>? intermediate = null) =>
        new(number, TrialState.Running, values, null, intermediate ?? new Dictionary<int, double>(), Epoch.AddMinutes(number), null);

    public static FrozenTrial Pruned(int number, double[] values, Dictionary<int, double> intermediate) =>
        new(number, TrialState.Pruned, values, intermediate.OrderBy(kv => kv.Key).Last().Value, intermediate, Epoch.AddMinutes(number), Epoch.AddMinutes(number + 1));

    public static FrozenTrial Failed(int number, double[] values) =>
        new(number, TrialState.Failed, values, null, new Dictionary<int, double>(), Epoch.AddMinutes(number), Epoch.AddMinutes(number + 1), "boom");

    /// <summary>A trial (of the given state) whose intermediate values are <paramref name="curve"/> at steps 0, 1, 2, ….</summary>
    public static FrozenTrial Curve(int number, TrialState state, params double[] curve)
    {
        var intermediate = new Dictionary<int, double>();
        for (int s = 0; s < curve.Length; s++) intermediate[s] = curve[s];
        double? value = state is TrialState.Complete or TrialState.Pruned && curve.Length > 0 ? curve[^1] : null;
        return new(number, state, new[] { 0.0 }, value, intermediate, Epoch.AddMinutes(number), state == TrialState.Running ? null : Epoch.AddMinutes(number + 1));
    }

    /// <summary>A trial with intermediate values at the given steps only.</summary>
    public static FrozenTrial AtSteps(int number, TrialState state, params (int Step, double Value)[] points)
    {
        var intermediate = points.ToDictionary(p => p.Step, p => p.Value);
        double? value = state is TrialState.Complete or TrialState.Pruned && points.Length > 0 ? points[^1].Value : null;
        return new(number, state, new[] { 0.0 }, value, intermediate, Epoch.AddMinutes(number), state == TrialState.Running ? null : Epoch.AddMinutes(number + 1));
    }
}

/// <summary>Search spaces the tests share.</summary>
internal static class Spaces
{
    public static SearchSpace Mixed() => new("mixed", new ParameterSpec[]
    {
        new("lr", ParameterKind.Float, 1e-5, 1e-1, Log: true),
        new("dropout", ParameterKind.Float, 0, 0.5),
        new("layers", ParameterKind.Int, 1, 8, Step: 1),
        new("width", ParameterKind.Int, 16, 1024, Log: true, Step: 1),
        new("batch", ParameterKind.Int, 8, 100, Step: 8), // 8, 16, …, 96: High is not on the grid
        new("optimizer", ParameterKind.Categorical, Choices: new[] { "sgd", "adam", "adamw" }),
        new("momentum", ParameterKind.Float, 0.5, 0.99, Condition: new ParameterCondition("optimizer", new[] { 0 })),
        new("beta2", ParameterKind.Float, 0.9, 0.9999, Condition: new ParameterCondition("optimizer", new[] { 1, 2 })),
    });

    /// <summary>3 optimizers; "momentum" (4 values) only for sgd, "amsgrad" (2) only for adam: 4 + 2 + 1 = 7 points per
    /// layer count, times 3 layer counts = 21.</summary>
    public static SearchSpace ConditionalGrid() => new("cgrid", new ParameterSpec[]
    {
        new("layers", ParameterKind.Int, 1, 5, Step: 2),
        new("optimizer", ParameterKind.Categorical, Choices: new[] { "sgd", "adam", "rmsprop" }),
        new("momentum", ParameterKind.Int, 0, 3, Step: 1, Condition: new ParameterCondition("optimizer", new[] { 0 })),
        new("amsgrad", ParameterKind.Categorical, Choices: new[] { "false", "true" }, Condition: new ParameterCondition("optimizer", new[] { 1 })),
    });

    public static SearchSpace Box(int dims, double low, double high) =>
        new("box" + dims, Enumerable.Range(0, dims).Select(i => new ParameterSpec("x" + i, ParameterKind.Float, low, high)).ToArray());
}
