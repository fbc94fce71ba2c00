namespace Attune.FineTuning;

/// <summary>
/// Implemented by the generated half of every <c>[FineTune]</c> model. Hand-written modules can implement it too and
/// call <see cref="FineTuner.Run"/> directly; nothing in the runtime needs the generator.
/// </summary>
public interface IFineTunable
{
    /// <summary>The options the model's <c>[FineTune]</c> attribute declares.</summary>
    FineTuneOptions DefaultFineTuneOptions { get; }

    /// <summary>The model's field rules and custom hooks, read from its current fields, as declared.</summary>
    FineTunePlan CreateFineTunePlan();

    /// <summary>
    /// The plan for a run with <paramref name="options"/>: as declared, except where the options override a field's
    /// settings (<see cref="FineTuneOptions.LoraRank"/>, <see cref="FineTuneOptions.LoraAlpha"/>,
    /// <see cref="FineTuneOptions.LoraDropout"/>, <see cref="FineTuneOptions.LayerDecay"/>), so that a sweep can vary them.
    /// </summary>
    FineTunePlan CreateFineTunePlan(FineTuneOptions options) => CreateFineTunePlan();
}
