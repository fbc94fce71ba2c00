namespace Attune.FineTuning;

/// <summary>
/// A model input made of several tensors — token ids with their attention mask, say — for models of the shape
/// <c>nn.Module&lt;TInput, Tensor&gt;</c>. The loop takes the batch's example count from the labels; it only needs the
/// input to describe itself so that an error can say what was found.
/// </summary>
public interface IModelInput
{
    /// <summary>The input's tensors with their shapes and dtypes, e.g. <c>input_ids [16, 48] int64, attention_mask [16, 48] int64</c>.</summary>
    string Describe();
}
