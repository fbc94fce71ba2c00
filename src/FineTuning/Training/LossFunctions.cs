using System;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// The training loss as one delegate, picked once per run so the step does not switch on the loss kind. The built-in
/// losses call TorchSharp's functional forms: no loss module is allocated or disposed per run.
/// </summary>
internal static class LossFunctions
{
    private static readonly Func<Tensor, Tensor, Tensor> CrossEntropy = static (output, labels) => nn.functional.cross_entropy(output, labels);
    private static readonly Func<Tensor, Tensor, Tensor> Mse = static (output, labels) => nn.functional.mse_loss(output, labels);
    private static readonly Func<Tensor, Tensor, Tensor> BceWithLogits = static (output, labels) => nn.functional.binary_cross_entropy_with_logits(output, labels);

    /// <exception cref="ArgumentException">Loss.Custom without a custom loss in the plan.</exception>
    public static Func<Tensor, Tensor, Tensor> For(Loss loss, FineTunePlan plan) => loss switch
    {
        Loss.CrossEntropy => CrossEntropy,
        Loss.Mse => Mse,
        Loss.BceWithLogits => BceWithLogits,
        Loss.Custom => plan.CustomLoss ?? throw new ArgumentException(
            $"Loss is Custom but the plan for {plan.ModelName} has no custom loss; expected a method named by [FineTune(CustomLoss = nameof(...))] with the signature Tensor Name(Tensor output, Tensor labels), or a built-in Loss."),
        _ => throw new ArgumentException($"Loss {loss} is not a defined Loss."),
    };
}
