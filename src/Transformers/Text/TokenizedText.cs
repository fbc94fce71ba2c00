using System.Collections.Generic;

namespace Attune.Transformers;

/// <summary>
/// One text as token ids, <c>[CLS]</c> first and <c>[SEP]</c> last, at most the maximum length it was encoded with.
/// </summary>
/// <param name="Ids">The ids the model reads, <c>[CLS]</c> … <c>[SEP]</c>.</param>
/// <param name="FullLength">
/// The length the text would have had without a maximum (its word pieces plus <c>[CLS]</c> and <c>[SEP]</c>), so that a
/// truncated row still tells how long it was.
/// </param>
public sealed record TokenizedText(IReadOnlyList<int> Ids, int FullLength)
{
    /// <summary>Whether word pieces were cut from the end to fit the maximum length.</summary>
    public bool Truncated => FullLength > Ids.Count;
}
