using System;
using System.Collections.Generic;
using System.Linq;

namespace Attune.Search;

/// <summary>
/// CMA-ES (covariance matrix adaptation evolution strategy, (μ/μ_w, λ) with Hansen's default settings) over the numeric
/// parameters, each scaled to [0, 1] (<see cref="UnitCube"/>: log where Log; ints over their cells, rounded to their
/// grid). It learns a full covariance, so it follows rotated, ill-conditioned valleys that independent or axis-aligned
/// models miss; it shines on continuous spaces with budgets of a few hundred trials and more.
/// <list type="bullet">
/// <item>Categorical parameters and conditional ones (active only for some choices) are drawn at random from their prior,
/// as Optuna's CmaEsSampler does with its independent sampler: CMA-ES has no model for them. A space with no
/// unconditional numeric parameter is sampled at random altogether.</item>
/// <item>Start: the centre of the cube with σ0 = <see cref="CmaEsOptions.InitialSigma"/>, or, after
/// <see cref="CmaEsOptions.StartupTrials"/> quasi-random trials, the best of them.</item>
/// <item>Bounds: a sample outside the cube is drawn again (up to <see cref="CmaEsOptions.MaxResamples"/> times), then
/// clipped; the update uses the values actually evaluated.</item>
/// </list>
/// <para><b>Stateless.</b> Every call rebuilds the state by replaying the history: trials in number order, Failed ones
/// left out (a failed trial is as if it had never been sampled: the next trial takes its place in the generation), cut
/// into generations of λ. Each complete generation is ranked — completed trials by value, then pruned ones (those that
/// got further first, then by their last intermediate value), then any without a finite value — and told to the state.
/// The replay stops at the first generation that still has a Running trial, so parallel workers keep sampling from the
/// last state every worker agrees on, and the generation is told once it has finished. With one worker the replay is
/// exactly the classic ask/tell loop; a resumed study continues as if it had never stopped. Cost: O(generations · D³)
/// for the first call (one eigen-decomposition per generation); later calls continue the last replay when the history
/// still begins with what it consumed, so a sweep pays O(D³) per generation once.</para>
/// <para><b>Restarts</b> (<see cref="CmaEsOptions.Restarts"/>, IPOP): after a generation, if σ times the widest axis
/// fell below 1e-10 of the cube, C's condition number passed 1e14, or three generations in a row returned values all
/// equal (to 1e-12, relative; integers on one grid point do that), the search starts over with twice the population
/// from the next point of a scrambled Sobol sequence over the numeric parameters (drawn into [0.1, 0.9]).</para>
/// </summary>
public sealed class CmaEsSampler : ISampler
{
    private const double TolX = 1e-10, MaxCondition = 1e14, TolFun = 1e-12;
    private const int FlatGenerations = 3;

    /// <param name="options">Null means <see cref="CmaEsOptions"/>' defaults.</param>
    /// <param name="seed">The sweep's seed (-1: unseeded): it seeds the quasi-random start-up and restart points, which
    /// must be the same for every trial of the study.</param>
    public CmaEsSampler(CmaEsOptions? options = null, long seed = -1)
    {
        Options = options ?? new CmaEsOptions();
        if (!(Options.InitialSigma > 0 && Options.InitialSigma <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), Options.InitialSigma, "CmaEsOptions.InitialSigma must be in (0, 1]: it is a step in the unit cube the parameters are scaled to.");
        if (Options.PopulationSize != 0 && Options.PopulationSize < 2)
            throw new ArgumentOutOfRangeException(nameof(options), Options.PopulationSize, "CmaEsOptions.PopulationSize must be 0 (Hansen's default) or at least 2.");
        if (Options.StartupTrials < 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.StartupTrials, "CmaEsOptions.StartupTrials must be at least 0.");
        if (Options.MaxResamples < 0)
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxResamples, "CmaEsOptions.MaxResamples must be at least 0.");
        quasiRandom = new QuasiRandomSampler(seed);
    }

    private readonly QuasiRandomSampler quasiRandom;

    public CmaEsOptions Options { get; }

    public double[] Sample(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction, Random random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(random);
        _ = SamplingMath.Score(0, direction); // rejects Auto up front

        var dims = NumericDimensions(space);
        if (dims.Length == 0) return SamplingMath.SampleUniform(space, random);
        var trials = Usable(space, history);
        if (trials.Count < Options.StartupTrials)
            return space.Parameters.Count <= SobolDirectionNumbers.Count ? quasiRandom.Sample(space, history, direction, random) : SamplingMath.SampleUniform(space, random);

        var state = Replay(space, dims, trials, direction);
        var u = state.Ask(random, Options.MaxResamples);
        var values = new double[space.Parameters.Count];
        for (int i = 0, k = 0; i < values.Length; i++)
        {
            if (k < dims.Length && dims[k] == i) values[i] = UnitCube.FromUnit(space.Parameters[i], u[k++]);
            else values[i] = space.IsActive(i, values) ? SamplingMath.SampleUniform(space.Parameters[i], random) : double.NaN;
        }
        return values;
    }

    /// <summary>The state the next trial is drawn from: every complete generation of the history told in order.</summary>
    internal CmaState Replay(SearchSpace space, IReadOnlyList<FrozenTrial> history, Direction direction)
        => Replay(space, NumericDimensions(space), Usable(space, history), direction);

    private CmaState Replay(SearchSpace space, int[] dims, List<FrozenTrial> trials, Direction direction)
    {
        var at = Resume(space, direction, trials) ?? Start(space, dims, trials, direction);
        var (state, next, restarts, flat) = (at.State.Clone(), at.Next, at.Restarts, at.Flat);
        while (next + state.Lambda <= trials.Count)
        {
            var generation = trials.GetRange(next, state.Lambda);
            if (generation.Any(t => t.State == TrialState.Running)) break;
            next += state.Lambda;
            var ranked = Rank(generation, direction);
            state.Tell(ranked.Select(t => ToUnit(space, dims, t.Values)).ToList());
            if (!Options.Restarts) continue;

            flat = IsFlat(generation, direction) ? flat + 1 : 0;
            if (state.Spread < TolX || state.Condition > MaxCondition || flat >= FlatGenerations)
            {
                restarts++;
                flat = 0;
                state = new CmaState(RestartMean(space, dims, restarts), Options.InitialSigma, state.Lambda * 2);
            }
        }
        if (next >= Options.StartupTrials) // a start from too few start-up trials is not the one a later history gives
            lock (gate) memo = new ReplayPoint(space.Fingerprint, direction, trials.GetRange(0, next), state.Clone(), next, restarts, flat);
        return state;
    }

    /// <summary>Where a replay begins without a remembered one: the start-up trials consumed, nothing told.</summary>
    private ReplayPoint Start(SearchSpace space, int[] dims, List<FrozenTrial> trials, Direction direction)
    {
        int startup = Math.Min(Options.StartupTrials, trials.Count);
        int lambda = Options.PopulationSize > 0 ? Options.PopulationSize : CmaState.DefaultLambda(dims.Length);
        var state = new CmaState(StartMean(space, dims, trials.Take(startup), direction), Options.InitialSigma, lambda);
        return new ReplayPoint(space.Fingerprint, direction, trials.GetRange(0, startup), state, startup, 0, 0);
    }

    /// <summary>
    /// The last replay's end, when the history still begins with exactly the trials it consumed (same numbers, states,
    /// values and parameters): replaying them again would give the same state, so the replay goes on from there. This is
    /// only a cache of a pure function of the history — the sampler's proposals are the same with or without it — and
    /// it turns the cost per proposal from O(all generations · D³) into O(new generations · D³).
    /// </summary>
    private ReplayPoint? Resume(SearchSpace space, Direction direction, List<FrozenTrial> trials)
    {
        ReplayPoint? last;
        lock (gate) last = memo;
        if (last is null || last.Fingerprint != space.Fingerprint || last.Direction != direction || last.Next > trials.Count) return null;
        for (int i = 0; i < last.Consumed.Count; i++)
            if (!Same(last.Consumed[i], trials[i])) return null;
        return last;
    }

    private static bool Same(FrozenTrial a, FrozenTrial b)
    {
        if (a.Number != b.Number || a.State != b.State || !Nullable.Equals(a.Value, b.Value) || a.Values.Count != b.Values.Count) return false;
        for (int i = 0; i < a.Values.Count; i++)
            if (!a.Values[i].Equals(b.Values[i])) return false;
        return a.State != TrialState.Pruned || SamplingMath.LastIntermediate(a.Intermediate) == SamplingMath.LastIntermediate(b.Intermediate);
    }

    /// <summary>A replay's position: the trials consumed so far (start-up and told generations), the state after them,
    /// the next trial's index, and the restart bookkeeping.</summary>
    private sealed record ReplayPoint(string Fingerprint, Direction Direction, List<FrozenTrial> Consumed, CmaState State, int Next, int Restarts, int Flat);

    private readonly object gate = new();
    private ReplayPoint? memo;

    /// <summary>The unconditional Float and Int parameters: the ones CMA-ES models.</summary>
    private static int[] NumericDimensions(SearchSpace space)
        => Enumerable.Range(0, space.Parameters.Count)
            .Where(i => space.Parameters[i] is { Kind: ParameterKind.Float or ParameterKind.Int, Condition: null })
            .ToArray();

    /// <summary>Trials that take part, in number order: those of this space, Failed ones left out.</summary>
    private static List<FrozenTrial> Usable(SearchSpace space, IReadOnlyList<FrozenTrial> history)
        => history.Where(t => t.State != TrialState.Failed && SamplingMath.Fits(space, t)).OrderBy(t => t.Number).ToList();

    private static double[] ToUnit(SearchSpace space, int[] dims, IReadOnlyList<double> values)
    {
        var u = new double[dims.Length];
        for (int k = 0; k < dims.Length; k++)
        {
            u[k] = UnitCube.ToUnit(space.Parameters[dims[k]], values[dims[k]]);
            if (double.IsNaN(u[k])) u[k] = 0.5; // only a foreign trial has NaN for an unconditional parameter
        }
        return u;
    }

    /// <summary>Best first: completed by score; then pruned, further-reaching first, then by their last intermediate
    /// score; then trials without a finite value. Ties keep trial order, so the ranking is deterministic.</summary>
    private static List<FrozenTrial> Rank(IEnumerable<FrozenTrial> trials, Direction direction)
        => trials.Select(t =>
            {
                bool finite = t.Value is { } v && double.IsFinite(v);
                int tier = !finite ? 2 : t.State == TrialState.Complete ? 0 : 1;
                int step = t.State == TrialState.Pruned ? SamplingMath.LastIntermediate(t.Intermediate).Step : 0;
                return (Trial: t, Tier: tier, Reach: -step, Score: finite ? SamplingMath.Score(t.Value!.Value, direction) : 0);
            })
            .OrderBy(r => r.Tier).ThenBy(r => r.Reach).ThenBy(r => r.Score).ThenBy(r => r.Trial.Number)
            .Select(r => r.Trial).ToList();

    private static bool IsFlat(IEnumerable<FrozenTrial> generation, Direction direction)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var t in generation)
        {
            if (t.State != TrialState.Complete || t.Value is not { } v || !double.IsFinite(v)) return false;
            double s = SamplingMath.Score(v, direction);
            min = Math.Min(min, s); max = Math.Max(max, s);
        }
        return max - min <= TolFun * (1 + Math.Abs(min));
    }

    /// <summary>The centre of the cube, or the best start-up trial (completed ones first) when there are any.</summary>
    private static double[] StartMean(SearchSpace space, int[] dims, IEnumerable<FrozenTrial> startup, Direction direction)
    {
        var best = Rank(startup.Where(t => t.State != TrialState.Running), direction).FirstOrDefault();
        return best is null ? Enumerable.Repeat(0.5, dims.Length).ToArray() : ToUnit(space, dims, best.Values);
    }

    /// <summary>Restart r begins at point r of the study's scrambled Sobol sequence over the numeric parameters: spread
    /// over the space, and the same in every process. (Past the sequence's dimensions: the centre.)</summary>
    private double[] RestartMean(SearchSpace space, int[] dims, int restart)
    {
        if (dims.Length > SobolDirectionNumbers.Count) return Enumerable.Repeat(0.5, dims.Length).ToArray();
        var sobol = new SobolSequence(dims.Length, quasiRandom.ScrambleSeed(space));
        return sobol.Point(restart).Select(u => 0.1 + 0.8 * u).ToArray(); // kept off the faces, where half of every sample would fall outside
    }
}
