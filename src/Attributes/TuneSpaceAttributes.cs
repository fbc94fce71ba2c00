using System;

namespace Attune
{
    /// <summary>How a sweep proposes the next trial's parameters.</summary>
    public enum Sampler
    {
        /// <summary>Tree-structured Parzen estimator (multivariate), after random start-up trials.</summary>
        Tpe = 0,
        /// <summary>Independent uniform (log-uniform where declared) draws.</summary>
        Random = 1,
        /// <summary>Every combination of a finite space, in a fixed order, each once.</summary>
        Grid = 2,
        /// <summary>Gaussian-process Bayesian optimisation (Matérn-5/2 kernel, log expected improvement) after random
        /// start-up trials: the most sample-efficient choice for small budgets (tens of trials), at a higher cost per
        /// proposal than TPE. Handles ints, log scales, categoricals and conditional parameters.</summary>
        Gp = 3,
        /// <summary>CMA-ES over the numeric parameters (scaled to [0, 1], log where declared, ints rounded to their
        /// grid); categorical and conditional parameters are drawn at random. For continuous spaces and budgets of a few
        /// hundred trials or more; restarts with a larger population when it converges.</summary>
        CmaEs = 4,
        /// <summary>A scrambled Sobol sequence: trial k gets point k, so the trials cover the space more evenly than
        /// independent random draws (best at powers of two). Seeded by the sweep's seed.</summary>
        QuasiRandom = 5,
        /// <summary>NSGA-II: a genetic search for the Pareto front of several objectives (constrained domination,
        /// crowding distance, SBX crossover and polynomial mutation), generations rebuilt from the study's trials.</summary>
        Nsga2 = 6,
    }

    /// <summary>How a sweep stops unpromising trials early from their intermediate values.</summary>
    public enum Pruner
    {
        /// <summary>Never prune.</summary>
        None = 0,
        /// <summary>Prune when a trial is worse than the median of earlier trials at the same step.</summary>
        Median = 1,
        /// <summary>Asynchronous successive halving: at rungs r·η^k keep only the top 1/η.</summary>
        Asha = 2,
        /// <summary>Hyperband: several brackets of asynchronous successive halving, bracket b deciding first at r·η^b, so
        /// that trials whose early steps mislead still get a fair chance in the later brackets.</summary>
        Hyperband = 3,
    }

    /// <summary>
    /// When a worker creates its next trial. Creating it while the current trial runs takes the storage's work (storing the
    /// result, reading what other workers did, sampling, inserting: round trips to a database server) out of the gap between
    /// trials; the price is that the sampler choosing that trial has not seen the current trial's result yet (it sees it
    /// Running, as it sees other workers' trials). Near the end of a sweep, when fewer trials are left than are under way,
    /// no trial is created ahead, so no worker holds one that an idle worker could have run.
    /// </summary>
    public enum CreateAhead
    {
        /// <summary>Only where the order of trials already depends on timing (several workers in the process, or other
        /// processes' trials running in the study), so a seeded one-worker sweep stays reproducible; there, ahead when
        /// this worker's fastest storage step so far took more than 1% of its fastest trial (short trials, or a database
        /// across a network) but no longer than the trial, so that it hides behind it; otherwise after each trial, so a
        /// fine-tune lasting minutes, or a function evaluated in microseconds, is sampled with every result this worker
        /// has. Never during a worker's first trial (nothing is measured yet).</summary>
        Auto = 0,
        /// <summary>Always while the current trial runs.</summary>
        Always = 1,
        /// <summary>Always after the current trial's result is stored.</summary>
        Never = 2,
    }

    /// <summary>
    /// Marks a <c>partial</c> record or class whose properties are a hyperparameter search space. The build generates
    /// typed space tables, encode/decode between an instance and stored values, a stable fingerprint of the space and
    /// <c>RunSweep(...)</c>. Properties with a range attribute, enums and bools are tuned; other properties are fixed.
    /// Inherited properties count too, base types first: a space derived from another space (or from a plain record
    /// with tuned properties) extends it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class TuneSpaceAttribute : Attribute
    {
        /// <summary>Completed trials to reach (trials of earlier runs of the same study count).</summary>
        public int Trials { get; set; } = 20;
        /// <summary>Wall-clock limit for this run in seconds; 0 means none.</summary>
        public double TimeoutSeconds { get; set; } = 0;
        /// <summary>Whether the objective is maximized or minimized (required: Auto is an error).</summary>
        public Direction Direction { get; set; } = Direction.Auto;
        /// <summary>How trials are proposed.</summary>
        public Sampler Sampler { get; set; } = Sampler.Tpe;
        /// <summary>How unpromising trials are stopped early.</summary>
        public Pruner Pruner { get; set; } = Pruner.None;
        /// <summary>The step (e.g. epoch) of the pruner's first decision: ASHA's first rung, the Median pruner's warm-up.
        /// Raise it when early epochs say little about the final metric. At least 1.</summary>
        public int PrunerMinResource { get; set; } = 1;
        /// <summary>ASHA's reduction factor η: rungs at MinResource·η^k, keeping the top 1/η at each. At least 2.</summary>
        public int PrunerReductionFactor { get; set; } = 3;
        /// <summary>Hyperband's maximum resource R: the step (e.g. epoch) at which a trial is complete, above
        /// PrunerMinResource; no trial is pruned at or past it. 0 (the default) is auto: the largest step any completed
        /// trial has reported, so it follows the training's length without being written twice.</summary>
        public int PrunerMaxResource { get; set; } = 0;
        /// <summary>Seed for the sampler; -1 leaves it unseeded.</summary>
        public long Seed { get; set; } = 42;
        /// <summary>Trials run at once in this process.</summary>
        public int Workers { get; set; } = 1;
        /// <summary>The study's name in its storage; default: the type's full name.</summary>
        public string? StudyName { get; set; }
        /// <summary>Where the study lives: a SQLite file path (default <c>attune-studies.db</c> in the working directory),
        /// <c>":memory:"</c> for none, or a connection string.</summary>
        public string? Storage { get; set; }
        /// <summary>Failed trials tolerated before the sweep stops with an error; -1 for no limit.</summary>
        public int MaxFailedTrials { get; set; } = 10;
        /// <summary>Whether a trial failed as abandoned (its worker stopped or fell silent) is run again once, as a new
        /// trial with the same parameters.</summary>
        public bool RetryAbandoned { get; set; }
        /// <summary>Whether a worker creates its next trial while the current one runs (see <see cref="Attune.CreateAhead"/>).</summary>
        public CreateAhead CreateAhead { get; set; } = CreateAhead.Auto;
    }

    /// <summary>A floating-point parameter drawn uniformly from [<see cref="Low"/>, <see cref="High"/>].</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class UniformAttribute : Attribute
    {
        /// <summary>A range from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
        public UniformAttribute(double low, double high) { Low = low; High = high; }
        /// <summary>The range's lower end (included).</summary>
        public double Low { get; }
        /// <summary>The range's upper end (included).</summary>
        public double High { get; }
    }

    /// <summary>A floating-point parameter drawn log-uniformly from [<see cref="Low"/>, <see cref="High"/>] (both &gt; 0).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class LogUniformAttribute : Attribute
    {
        /// <summary>A range from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
        public LogUniformAttribute(double low, double high) { Low = low; High = high; }
        /// <summary>The range's lower end (included).</summary>
        public double Low { get; }
        /// <summary>The range's upper end (included).</summary>
        public double High { get; }
    }

    /// <summary>An integer parameter in [<see cref="Low"/>, <see cref="High"/>], optionally on a step or a log scale.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class IntRangeAttribute : Attribute
    {
        /// <summary>A range from <paramref name="low"/> to <paramref name="high"/>, both included.</summary>
        public IntRangeAttribute(long low, long high) { Low = low; High = high; }
        /// <summary>The range's lower end (included).</summary>
        public long Low { get; }
        /// <summary>The range's upper end (included).</summary>
        public long High { get; }
        /// <summary>Values are Low, Low+Step, …; (High-Low) must be a multiple of Step.</summary>
        public long Step { get; set; } = 1;
        /// <summary>Draw on a log scale (Low must be ≥ 1; Step must be 1).</summary>
        public bool Log { get; set; }
    }

    /// <summary>A parameter taking one of the listed values (numbers or strings of the property's type).</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ChoiceAttribute : Attribute
    {
        /// <summary>The values to choose from, in order.</summary>
        public ChoiceAttribute(params object[] values) => Values = values;
        /// <summary>The values to choose from.</summary>
        public object[] Values { get; }
    }

    /// <summary>
    /// The parameter is only active when another parameter of the space has one of the given values (e.g. Momentum only
    /// for <c>Optimizer == OptimizerKind.Sgd</c>): <c>[ActiveWhen(nameof(Optimizer), OptimizerKind.Sgd)]</c>.
    /// When inactive the property keeps its initializer's value and nothing is sampled for it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ActiveWhenAttribute : Attribute
    {
        /// <summary>Active when <paramref name="parameter"/> has one of <paramref name="values"/>.</summary>
        public ActiveWhenAttribute(string parameter, params object[] values) { Parameter = parameter; Values = values; }
        /// <summary>The controlling parameter's property name.</summary>
        public string Parameter { get; }
        /// <summary>The values of the controlling parameter for which this one is active.</summary>
        public object[] Values { get; }
    }
}
