using System;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Runs the model and the loss once, without gradients, on the first batch of a data source before training starts,
/// so that data that does not fit the model fails in milliseconds with "expected … found …" instead of minutes into a
/// run (or, worse, silently: an MSE over [B, 1] outputs and [B] labels broadcasts to [B, B] and trains on nonsense).
/// </summary>
internal static class DryBatch
{
    /// <summary>What the check learned that the run needs: whether the loss is float32 (read with item&lt;float&gt;), and
    /// for CrossEntropy the model's class count (the second dimension of its output; 0 otherwise), which the whole-data
    /// label check (<see cref="DataScan"/>) compares every label with.</summary>
    public static (bool LossIsFloat32, long Classes) Check<TInput>(nn.Module<TInput, Tensor> model, IBatchSource<TInput> source, string role, FineTuneOptions options, FineTunePlan plan,
        Func<Tensor, Tensor, Tensor> loss) where TInput : notnull
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool wasTraining = model.training;
        model.eval(); // no dropout: the check must not draw from the random generator a seeded run depends on
        try
        {
            TInput x;
            Tensor y;
            using (var batches = source.Batches(options.BatchSize, shuffle: false, generator: null).GetEnumerator())
            {
                if (!batches.MoveNext())
                    throw new FineTuneDataException($"The {role} data reports {source.Count} examples but yielded no batch; expected at least one batch.");
                (x, y) = batches.Current;
            }
            string features = Describe(x);
            string where = $"the first {role} batch of {plan.ModelName} (features {features}, labels {Shapes.Describe(y)})";

            if (x is Tensor tensor)
            {
                if (tensor.dim() == 0 || y.dim() == 0 || tensor.size(0) != y.size(0))
                    throw new FineTuneDataException($"In {where}: expected features and labels with the same number of examples in dimension 0; found {Shapes.Format(tensor)} and {Shapes.Format(y)}.");
                CheckFeatureDtype(model, tensor, where);
            }
            else if (y.dim() == 0)
                throw new FineTuneDataException($"In {where}: expected labels with a first dimension that counts the batch's examples; found a scalar.");

            Tensor output;
            try
            {
                output = model.call(x);
            }
            catch (Exception ex) when (ex is not FineTuneDataException)
            {
                throw new FineTuneDataException(
                    $"In {where}: the model's forward pass failed; expected features of the shape and dtype the model's first layer takes, found {features}. TorchSharp said: {ex.Message}", ex);
            }
            if (x is not Tensor && output.dim() > 0 && output.size(0) != y.size(0))
                throw new FineTuneDataException(
                    $"In {where}: expected the model's output to have one row per label ({y.size(0)}); found output {Shapes.Describe(output)}.");

            CheckAgainstLoss(options.Loss, output, y, where);

            Tensor value;
            try
            {
                value = loss(output, y);
            }
            catch (Exception ex) when (ex is not FineTuneDataException)
            {
                throw new FineTuneDataException(
                    $"In {where}: the {options.Loss} loss failed on the model's output {Shapes.Describe(output)} and labels {Shapes.Describe(y)}. TorchSharp said: {ex.Message}", ex);
            }
            if (value.numel() != 1)
                throw new FineTuneDataException($"In {where}: expected the {options.Loss} loss to be a scalar; found a tensor of shape {Shapes.Format(value)}.");
            if (!value.is_floating_point())
                throw new FineTuneDataException($"In {where}: expected a floating-point loss; found {Shapes.Describe(value)}.");
            return (value.dtype == ScalarType.Float32, options.Loss == Loss.CrossEntropy && output.dim() >= 2 ? output.size(1) : 0);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>A tensor's shape and dtype, a multi-tensor input's own description, else its type name.</summary>
    internal static string Describe<TInput>(TInput input) where TInput : notnull => input switch
    {
        Tensor t => Shapes.Describe(t),
        IModelInput m => m.Describe(),
        _ => input.GetType().Name,
    };

    private static void CheckFeatureDtype(nn.Module model, Tensor x, string where)
    {
        if (!x.is_floating_point()) return; // integer features feed embeddings; nothing to compare
        foreach (var parameter in model.parameters())
        {
            if (!parameter.is_floating_point()) continue;
            var expected = parameter.dtype;
            if (x.dtype != expected)
                throw new FineTuneDataException(
                    $"In {where}: expected {Name(expected)} features, the dtype of the model's parameters; found {Name(x.dtype)}. Convert the features with .to({Name(expected)}) (or the model with .to({Name(x.dtype)})).");
            return;
        }
    }

    private static void CheckAgainstLoss(Loss loss, Tensor output, Tensor y, string where)
    {
        switch (loss)
        {
            case Loss.CrossEntropy:
            {
                if (output.dim() < 2)
                    throw new FineTuneDataException($"In {where}: CrossEntropy expects the model's output to be class scores [batch, classes]; found output {Shapes.Describe(output)}.");
                if (y.dtype != ScalarType.Int64)
                    throw new FineTuneDataException(
                        $"In {where}: CrossEntropy expects int64 class-index labels of shape [batch]; found {Name(y.dtype)} labels {Shapes.Format(y)}. Convert them with labels.to(int64) (for 0/1 float targets use BceWithLogits).");
                long classes = output.size(1);
                bool shapeOk = y.dim() == output.dim() - 1 && y.size(0) == output.size(0);
                for (int d = 2; shapeOk && d < output.dim(); d++) shapeOk = y.size(d - 1) == output.size(d);
                if (!shapeOk)
                    throw new FineTuneDataException(
                        $"In {where}: CrossEntropy expects labels of shape [{output.size(0)}] for output {Shapes.Format(output)}; found labels {Shapes.Format(y)}.");
                long min = y.min().item<long>(), max = y.max().item<long>();
                if (min < 0 || max >= classes)
                    throw new FineTuneDataException(string.Format(CultureInfo.InvariantCulture,
                        "In {0}: CrossEntropy expects class labels in [0, {1}) for a model with {1} output classes; found labels from {2} to {3}.",
                        where, classes, min, max));
                break;
            }
            case Loss.Mse:
            case Loss.BceWithLogits:
            {
                if (!y.is_floating_point())
                    throw new FineTuneDataException(
                        $"In {where}: {loss} expects floating-point labels; found {Name(y.dtype)} labels {Shapes.Format(y)}. Convert them with labels.to({Name(output.dtype)}).");
                if (!output.shape.AsSpan().SequenceEqual(y.shape))
                {
                    string hint = output.dim() == 2 && output.size(1) == 1 && y.dim() == 1
                        ? $" The output has a trailing dimension of 1 that the labels lack: the loss would broadcast [{output.size(0)}, 1] against [{y.size(0)}] to [{output.size(0)}, {y.size(0)}] and compare every output with every label. Reshape the labels with labels.unsqueeze(1), or return output.squeeze(1) from forward."
                        : y.dim() == 2 && y.size(1) == 1 && output.dim() == 1
                            ? " The labels have a trailing dimension of 1 that the output lacks: use labels.squeeze(1), or return output.unsqueeze(1) from forward."
                            : "";
                    throw new FineTuneDataException(
                        $"In {where}: {loss} expects labels of the output's shape {Shapes.Format(output)}; found labels {Shapes.Format(y)}.{hint}");
                }
                if (y.dtype != output.dtype)
                    throw new FineTuneDataException(
                        $"In {where}: {loss} expects labels of the output's dtype {Name(output.dtype)}; found {Name(y.dtype)}. Convert them with labels.to({Name(output.dtype)}).");
                if (loss == Loss.BceWithLogits)
                {
                    double min = y.min().ToDouble(), max = y.max().ToDouble();
                    if (min < 0 || max > 1)
                        throw new FineTuneDataException(string.Format(CultureInfo.InvariantCulture,
                            "In {0}: BceWithLogits expects target probabilities in [0, 1]; found labels from {1} to {2}.", where, min, max));
                }
                break;
            }
        }
    }

    private static string Name(ScalarType type) => type.ToString().ToLowerInvariant();
}
