namespace Attune
{
    /// <summary>The optimizer a fine-tune uses.</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam with decoupled weight decay (the usual choice for fine-tuning).</summary>
        AdamW = 0,
        /// <summary>Adam; weight decay is added to the gradient (L2).</summary>
        Adam = 1,
        /// <summary>Stochastic gradient descent with (Nesterov-free) momentum.</summary>
        Sgd = 2,
    }

    /// <summary>How the learning rate changes over the run, after any warmup.</summary>
    public enum LrSchedule
    {
        /// <summary>The learning rate stays at its base value.</summary>
        Constant = 0,
        /// <summary>Decays linearly to zero at the last step.</summary>
        Linear = 1,
        /// <summary>Follows half a cosine from the base value to zero.</summary>
        Cosine = 2,
        /// <summary>Rises to the base value then anneals by cosine to a small fraction of it (Smith's one-cycle).</summary>
        OneCycle = 3,
    }

    /// <summary>The training loss.</summary>
    public enum Loss
    {
        /// <summary>Cross-entropy over logits of shape [batch, classes] with int64 class labels of shape [batch].</summary>
        CrossEntropy = 0,
        /// <summary>Mean squared error; output and labels have the same shape.</summary>
        Mse = 1,
        /// <summary>Binary cross-entropy on logits; float labels in [0, 1] of the output's shape.</summary>
        BceWithLogits = 2,
        /// <summary>A method of the model named by <c>CustomLoss</c>: <c>Tensor Name(Tensor output, Tensor labels)</c>.</summary>
        Custom = 3,
    }

    /// <summary>The validation metric that picks the best epoch and drives early stopping.</summary>
    public enum Metric
    {
        /// <summary>Share of correct arg-max predictions (higher is better).</summary>
        Accuracy = 0,
        /// <summary>Unweighted mean of per-class F1 scores (higher is better).</summary>
        MacroF1 = 1,
        /// <summary>Mean squared error (lower is better).</summary>
        Mse = 2,
        /// <summary>Mean absolute error (lower is better).</summary>
        Mae = 3,
        /// <summary>Coefficient of determination (higher is better).</summary>
        R2 = 4,
        /// <summary>The validation loss itself (lower is better).</summary>
        Loss = 5,
        /// <summary>A method of the model named by <c>CustomMetric</c>: <c>double Name(Tensor outputs, Tensor labels)</c>,
        /// called once per evaluation on the whole validation set.</summary>
        Custom = 6,
    }

    /// <summary>Whether larger or smaller values of a metric or objective are better.</summary>
    public enum Direction
    {
        /// <summary>Taken from the metric (accuracy, F1 and R² maximize; errors and loss minimize).</summary>
        Auto = 0,
        /// <summary>Larger is better.</summary>
        Maximize = 1,
        /// <summary>Smaller is better.</summary>
        Minimize = 2,
    }
}
