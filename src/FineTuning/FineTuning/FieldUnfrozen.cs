namespace Attune.FineTuning;

/// <summary>A field that unfroze during a run (<c>[Freeze(UnfreezeAtEpoch = n)]</c>).</summary>
/// <param name="Field">The C# field's name.</param>
/// <param name="Epoch">The first epoch it trained in.</param>
/// <param name="Weights">How many scalar weights it added to the trainable ones.</param>
public sealed record FieldUnfrozen(string Field, int Epoch, long Weights);
