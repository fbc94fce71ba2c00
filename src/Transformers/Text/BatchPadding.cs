namespace Attune.Transformers;

/// <summary>How batches are padded, for <see cref="TextClassificationData.PaddingEfficiency"/>.</summary>
public enum BatchPadding
{
    /// <summary>Every row padded to the maximum length (fixed-shape batches).</summary>
    ToMaximum,

    /// <summary>Each batch padded to its own longest row, rows shuffled at random (what the data set does).</summary>
    Dynamic,

    /// <summary>Dynamic padding with length-grouped batches (<see cref="TextDataOptions.GroupByLength"/>).</summary>
    DynamicGroupedByLength,
}
