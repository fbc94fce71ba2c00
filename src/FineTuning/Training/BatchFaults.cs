using System;
using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Where a batch sits in a run, for messages: which data, which epoch (0 outside training), which batch of the pass
/// (0-based), its size, and whether the pass reads the data in its own order (then a batch row is also a row of the
/// data set: the source contract says every batch but the last has <see cref="BatchSize"/> examples).
/// </summary>
internal readonly record struct BatchPlace(string Role, string ModelName, int Epoch, long Batch, int BatchSize, bool InOrder)
{
    /// <summary>"Fine-tuning X" in a run, "Evaluating X" in FineTuner.Evaluate: how a message starts.</summary>
    public string Who => (Role == "evaluation" ? "Evaluating " : "Fine-tuning ") + ModelName;

    public string Describe() => Epoch > 0
        ? string.Format(CultureInfo.InvariantCulture, "{0} batch {1} of epoch {2}", Role, Batch + 1, Epoch)
        : string.Format(CultureInfo.InvariantCulture, "{0} batch {1}", Role, Batch + 1);

    /// <summary>"row 3 of the batch (row 27 of the training data)", the data row only when the pass is in order.</summary>
    public string Row(long row) => InOrder
        ? string.Format(CultureInfo.InvariantCulture, "row {0} of the batch (row {1} of the {2} data)", row, Batch * BatchSize + row, Role)
        : string.Format(CultureInfo.InvariantCulture, "row {0} of the batch (the data was shuffled, so its row in the {1} data is not known)", row, Role);
}

/// <summary>
/// Turns a failure in a batch after the first — libtorch's bare "Target -1 is out of bounds." or "mat1 and mat2 shapes
/// cannot be multiplied" — into a <see cref="FineTuneDataException"/> that says where (data, epoch, batch, row), what was
/// found and what was expected. The batch is inspected only after it failed, so a step that works pays nothing (a
/// try/catch costs nothing until it throws). The first batch of each data set was already checked by
/// <see cref="DryBatch"/>, and a <see cref="LabeledTensors"/>'s labels were checked whole by <see cref="DataScan"/>.
/// </summary>
internal static class BatchFaults
{
    /// <summary>The model's forward pass threw on this batch.</summary>
    public static FineTuneDataException Forward<TInput>(Exception ex, BatchPlace place, TInput x, Tensor y) where TInput : notnull
        => new(string.Format(CultureInfo.InvariantCulture,
            "{0}: the model's forward pass failed on {1} (features {2}, labels {3}). Every batch must have the shape and dtype of the first one, which the model accepted; check how this batch was built. TorchSharp said: {4}",
            place.Who, place.Describe(), DryBatch.Describe(x), Shapes.Describe(y), FirstLine(ex.Message)), ex);

    /// <summary>The loss threw on this batch: for CrossEntropy, name the labels outside [0, classes).</summary>
    public static FineTuneDataException Loss(Exception ex, BatchPlace place, Loss loss, Tensor output, Tensor y)
    {
        string said = FirstLine(ex.Message);
        if (loss == Attune.Loss.CrossEntropy && output.dim() >= 2 && y.dtype == ScalarType.Int64 && y.dim() >= 1)
        {
            long classes = output.size(1);
            string? bad = OutOfRange(y, classes, place.Row, "of the batch");
            if (bad is not null)
                return new FineTuneDataException(string.Format(CultureInfo.InvariantCulture,
                    "{0}: {1} holds a class label outside [0, {2}), the range CrossEntropy takes for a model with {2} output classes: {3}. Fix those labels (or give the model's last layer as many outputs as there are classes). TorchSharp said: {4}",
                    place.Who, place.Describe(), classes, bad, said), ex);
        }
        return new FineTuneDataException(string.Format(CultureInfo.InvariantCulture,
            "{0}: the {1} loss failed on {2} (model output {3}, labels {4}). Every batch must have labels of the shape, dtype and range of the first one. TorchSharp said: {5}",
            place.Who, loss, place.Describe(), Shapes.Describe(output), Shapes.Describe(y), said), ex);
    }

    /// <summary>
    /// The built-in MSE and BCE losses broadcast silently (an output of [8, 1] against labels of [8] is an [8, 8] loss):
    /// the first batch's shapes were checked, and this compares each later batch's by dimension — a handful of native
    /// calls, no tensor made — so a source whose later batch changes shape fails instead of training on nonsense.
    /// </summary>
    public static void ThrowIfShapesDiffer(BatchPlace place, Loss loss, Tensor output, Tensor y)
    {
        long rank = output.dim();
        bool same = rank == y.dim();
        for (int d = 0; same && d < rank; d++) same = output.size(d) == y.size(d);
        if (!same)
            throw new FineTuneDataException(string.Format(CultureInfo.InvariantCulture,
                "{0}: {1} has labels {2} for model output {3}; {4} expects labels of the output's shape (it would broadcast them and compare every output with every label). The first batch's shapes matched, so this batch was built differently.",
                place.Who, place.Describe(), Shapes.Format(y), Shapes.Format(output), loss));
    }

    /// <summary>
    /// "row 3 of the batch (row 27 of the training data) has -1 (and 2 more rows of the batch: 5, 7)", or null when
    /// every label is in range. Labels of more than one dimension (per-position classes) are judged by example row.
    /// </summary>
    internal static string? OutOfRange(Tensor labels, long classes, Func<long, string> row, string rowsOf)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var flat = labels.dim() == 1 ? labels : labels.reshape(labels.size(0), -1);
        var badCell = flat.lt(0).logical_or(flat.ge(classes));
        var badRow = flat.dim() == 1 ? badCell : badCell.any(1);
        var rows = badRow.nonzero().flatten();
        long count = rows.numel();
        if (count == 0) return null;
        long first = rows[0].item<long>();
        var firstRow = flat[first];
        long value = firstRow.dim() == 0 ? firstRow.item<long>() : firstRow.masked_select(badCell[first])[0].item<long>();
        var text = new StringBuilder();
        text.Append(row(first)).Append(" has ").Append(value.ToString(CultureInfo.InvariantCulture));
        if (count > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $" (and {count - 1} more row{(count > 2 ? "s" : "")} {rowsOf}: ");
            long shown = Math.Min(count, 6);
            for (long i = 1; i < shown; i++)
            {
                if (i > 1) text.Append(", ");
                text.Append(rows[i].item<long>().ToString(CultureInfo.InvariantCulture));
            }
            if (count > shown) text.Append(", …");
            text.Append(')');
        }
        return text.ToString();
    }

    /// <summary>libtorch appends C++ stack frames after the first line; users need the first.</summary>
    internal static string FirstLine(string message)
    {
        int end = message.IndexOf('\n');
        return (end < 0 ? message : message[..end]).TrimEnd();
    }
}
