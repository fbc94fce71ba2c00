namespace Attune;

/// <summary>
/// Implemented by the generated half of every <c>[FineTune]</c> model. Hand-written modules can implement it too and
/// call <see cref="FineTuner.Run"/> directly; nothing in the runtime needs the generator.
/// </summary>
public interface IFineTunable
{
    /// <summary>The options the model's <c>[FineTune]</c> attribute declares.</summary>
    FineTuneOptions DefaultFineTuneOptions { get; }

    /// <summary>The model's field rules and custom hooks, read from its current fields.</summary>
    FineTunePlan CreateFineTunePlan();
}
