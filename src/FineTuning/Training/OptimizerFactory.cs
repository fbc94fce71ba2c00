using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// Builds the optimizer with one TorchSharp parameter group per <see cref="ParameterGroupSpec"/>, and hands back the
/// groups' learning-rate controllers in the same order so the step can set each group's rate without LINQ.
/// </summary>
internal static class OptimizerFactory
{
    public static (optim.Optimizer Optimizer, optim.ILearningRateController[] Groups, double[] BaseRates) Create(
        IReadOnlyList<ParameterGroupSpec> specs, FineTuneOptions options)
    {
        optim.Optimizer optimizer;
        switch (options.Optimizer)
        {
            case OptimizerKind.AdamW:
            {
                var groups = new List<AdamW.ParamGroup>(specs.Count);
                foreach (var s in specs) groups.Add(new AdamW.ParamGroup(s.Parameters, lr: s.LearningRate, weight_decay: s.WeightDecay));
                optimizer = optim.AdamW(groups, lr: options.LearningRate, weight_decay: options.WeightDecay);
                break;
            }
            case OptimizerKind.Adam:
            {
                var groups = new List<Adam.ParamGroup>(specs.Count);
                foreach (var s in specs) groups.Add(new Adam.ParamGroup(s.Parameters, lr: s.LearningRate, weight_decay: s.WeightDecay));
                optimizer = optim.Adam(groups, lr: options.LearningRate, weight_decay: options.WeightDecay);
                break;
            }
            case OptimizerKind.Sgd:
            {
                var groups = new List<SGD.ParamGroup>(specs.Count);
                foreach (var s in specs) groups.Add(new SGD.ParamGroup(s.Parameters, lr: s.LearningRate, momentum: options.Momentum, weight_decay: s.WeightDecay));
                optimizer = optim.SGD(groups, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay);
                break;
            }
            default:
                throw new ArgumentException($"Optimizer {options.Optimizer} is not supported; expected AdamW, Adam or Sgd.");
        }

        var controllers = new List<optim.ILearningRateController>(optimizer.ParamGroups);
        if (controllers.Count != specs.Count)
        {
            optimizer.Dispose();
            throw new InvalidOperationException($"The optimizer reports {controllers.Count} parameter groups; expected {specs.Count}.");
        }
        var baseRates = new double[specs.Count];
        for (int i = 0; i < baseRates.Length; i++)
        {
            baseRates[i] = specs[i].LearningRate;
            controllers[i].InitialLearningRate = specs[i].LearningRate;
        }
        return (optimizer, controllers.ToArray(), baseRates);
    }
}
