using System;

namespace Attune
{
    /// <summary>
    /// Marks a type a sweep's objective returns when it has several objectives or constraints: a <c>partial</c> record,
    /// class or struct whose <see cref="ObjectiveAttribute"/> members are the objectives (each with its direction) and
    /// whose <see cref="ConstraintAttribute"/> members are constraints. The generator makes it an
    /// <c>Attune.Search.IObjectiveScore&lt;T&gt;</c>, so <c>RunSweep</c> accepts an objective returning it and the
    /// result holds the Pareto front with typed scores.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
    public sealed class ObjectiveScoreAttribute : Attribute
    {
    }

    /// <summary>
    /// One objective of an <see cref="ObjectiveScoreAttribute"/> type: a <c>double</c> property whose larger or smaller
    /// values are better, as <see cref="Direction"/> says. On a positional record parameter, write
    /// <c>[property: Objective(Direction.Maximize)]</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
    public sealed class ObjectiveAttribute : Attribute
    {
        /// <param name="direction">Whether larger (<see cref="Direction.Maximize"/>) or smaller (<see cref="Direction.Minimize"/>) values are better.</param>
        public ObjectiveAttribute(Direction direction) => Direction = direction;

        /// <summary>Whether larger or smaller values are better.</summary>
        public Direction Direction { get; }
    }

    /// <summary>
    /// A constraint of an <see cref="ObjectiveScoreAttribute"/> type: a <c>double</c> property that is at most 0 when the
    /// trial is feasible (Optuna's convention: return "how far over the budget", e.g. <c>MemoryMb - BudgetMb</c>). An
    /// infeasible trial is never on the Pareto front, and samplers prefer feasible regions.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
    public sealed class ConstraintAttribute : Attribute
    {
    }
}
