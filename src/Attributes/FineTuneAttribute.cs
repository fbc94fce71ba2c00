using System;

namespace Attune
{
    /// <summary>
    /// Marks a <c>partial</c> TorchSharp module (<c>nn.Module&lt;Tensor, Tensor&gt;</c>) for fine-tuning. The build
    /// generates <c>RunFineTune(...)</c>, a <c>FineTuneDefaults</c> options record holding the values set here, and the
    /// parameter-group plan read from <see cref="FreezeAttribute"/>, <see cref="LearningRateAttribute"/> and
    /// <see cref="WeightDecayAttribute"/> on the module's fields. Every value is checked at build time.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class FineTuneAttribute : Attribute
    {
        /// <summary>Passes over the training data (at least 1).</summary>
        public int Epochs { get; set; } = 10;

        /// <summary>Examples per optimizer step (at least 1).</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Base learning rate for every trainable parameter without its own <see cref="LearningRateAttribute"/>.</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>Weight decay (decoupled for AdamW, L2 for Adam and SGD). Zero turns it off.</summary>
        public double WeightDecay { get; set; } = 0.0;

        /// <summary>The optimizer.</summary>
        public OptimizerKind Optimizer { get; set; } = OptimizerKind.AdamW;

        /// <summary>Momentum for <see cref="OptimizerKind.Sgd"/>, in [0, 1).</summary>
        public double Momentum { get; set; } = 0.9;

        /// <summary>Learning-rate schedule applied after warmup, stepped once per optimizer step.</summary>
        public LrSchedule Schedule { get; set; } = LrSchedule.Constant;

        /// <summary>Optimizer steps of linear warmup from zero. Must be fewer than the run's total steps.</summary>
        public int WarmupSteps { get; set; } = 0;

        /// <summary>Warmup as a share of the run's total steps, in [0, 1). Use this or <see cref="WarmupSteps"/>, not both.</summary>
        public double WarmupRatio { get; set; } = 0.0;

        /// <summary>The training loss.</summary>
        public Loss Loss { get; set; } = Loss.CrossEntropy;

        /// <summary>With <see cref="Attune.Loss.Custom"/>: the name of a method of the model,
        /// <c>Tensor Name(Tensor output, Tensor labels)</c>; use <c>nameof</c>.</summary>
        public string? CustomLoss { get; set; }

        /// <summary>The validation metric that picks the best epoch.</summary>
        public Metric Metric { get; set; } = Metric.Accuracy;

        /// <summary>With <see cref="Attune.Metric.Custom"/>: the name of a method of the model,
        /// <c>double Name(Tensor outputs, Tensor labels)</c>; use <c>nameof</c>.</summary>
        public string? CustomMetric { get; set; }

        /// <summary>Whether the metric is maximized or minimized; <see cref="Direction.Auto"/> takes it from the metric
        /// (a custom metric must say).</summary>
        public Direction MetricDirection { get; set; } = Direction.Auto;

        /// <summary>Stop after this many epochs without improvement of the metric; 0 never stops early.
        /// The best epoch's weights are restored at the end either way.</summary>
        public int Patience { get; set; } = 0;

        /// <summary>Smallest change of the metric that counts as an improvement (at least 0).</summary>
        public double MinDelta { get; set; } = 0.0;

        /// <summary>Clip the global gradient norm to this value before each step; 0 turns clipping off.</summary>
        public double MaxGradNorm { get; set; } = 0.0;

        /// <summary>Seed for weight-independent randomness (shuffling, dropout); runs with the same seed on CPU repeat
        /// exactly. -1 leaves the generator unseeded.</summary>
        public long Seed { get; set; } = 42;

        /// <summary>Shuffle the training data each epoch.</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Where best and last checkpoints are written (relative to the working directory); null writes none.</summary>
        public string? CheckpointDirectory { get; set; }

        /// <summary>Continue the run saved in <see cref="CheckpointDirectory"/>'s <c>resume.bin</c> (written at every
        /// epoch end) from its last finished epoch: weights, optimizer state, schedule position, random state and
        /// early-stopping counters. Without that file the run starts fresh and the log says so. Requires
        /// <see cref="CheckpointDirectory"/>.</summary>
        public bool Resume { get; set; }

        /// <summary>Micro-batches of <see cref="BatchSize"/> accumulated into one optimizer step (at least 1; 1 = none).
        /// The step uses the gradient of the mean loss over all the window's examples; clipping, the learning-rate
        /// schedule, warmup and progress count optimizer steps.</summary>
        public int AccumulationSteps { get; set; } = 1;

        /// <summary>A step whose loss or gradient norm is NaN or infinite is skipped (no update) and counted; this many
        /// such steps in a row stop training with <c>TrainingDivergedException</c> (at least 1; 1 stops at the first).</summary>
        public int MaxNonFiniteSteps { get; set; } = 5;

        /// <summary>Where TensorBoard event files are written (relative to the working directory); null writes none.</summary>
        public string? TensorBoardDirectory { get; set; }
    }
}
