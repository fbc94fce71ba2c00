namespace Attune.FineTuning;

/// <summary>
/// Generated on a <c>[TuneSpace]</c> type whose properties match <see cref="FineTuneOptions"/> properties by name
/// (LearningRate, BatchSize, Epochs, WeightDecay, Optimizer, …): copies those values onto fine-tune options. Bound at
/// compile time; a matching name with the wrong type is a build error.
/// </summary>
public interface IFineTuneBinding
{
    /// <summary><paramref name="options"/> with every matching property replaced by this instance's value.</summary>
    FineTuneOptions ApplyTo(FineTuneOptions options);
}
