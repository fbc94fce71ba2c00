using System;
using System.Collections.Generic;

namespace Attune.Search;

/// <summary>
/// The search space as the GP sees it. Numeric parameters map to [0, 1] (through the log where the parameter is Log);
/// an int's range is widened by half a step at each end so that every grid value owns an equal cell, and the GP treats
/// it as continuous, the proposal being rounded to the grid at the end. A categorical keeps its choice index (the kernel
/// compares choices for equality, never by size). A parameter inactive under its condition is NaN.
/// </summary>
internal sealed class GpEncoding
{
    private readonly double[] low, width;
    private readonly bool[] log;

    public GpEncoding(SearchSpace space)
    {
        Space = space;
        int D = space.Parameters.Count;
        low = new double[D]; width = new double[D]; log = new bool[D];
        IsCategorical = new bool[D];
        Choices = new int[D];
        for (int d = 0; d < D; d++)
        {
            var p = space.Parameters[d];
            if (p.Condition is not null) HasConditions = true;
            switch (p.Kind)
            {
                case ParameterKind.Categorical:
                    IsCategorical[d] = true;
                    Choices[d] = p.Choices!.Count;
                    HasCategorical = true;
                    continue;
                case ParameterKind.Int:
                {
                    double step = SamplingMath.IntStep(p), lo = p.Low - step / 2, hi = SamplingMath.IntTop(p) + step / 2;
                    log[d] = p.Log;
                    if (p.Log && lo <= 0) lo = p.Low; // the log of a padded bound at or below zero does not exist
                    Set(d, lo, hi);
                    break;
                }
                default:
                    log[d] = p.Log;
                    Set(d, p.Low, p.High);
                    break;
            }
        }
    }

    private void Set(int d, double lo, double hi)
    {
        if (log[d]) { lo = Math.Log(lo); hi = Math.Log(hi); }
        low[d] = lo;
        width[d] = hi > lo ? hi - lo : 0;
    }

    public SearchSpace Space { get; }
    public int Count => low.Length;
    public bool[] IsCategorical { get; }
    /// <summary>Number of choices of each categorical parameter (0 for numeric ones).</summary>
    public int[] Choices { get; }
    public bool HasCategorical { get; }
    public bool HasConditions { get; }

    /// <summary>A parameter's value in the encoded space: [0, 1], or the choice index.</summary>
    public double Encode(int d, double value)
    {
        if (IsCategorical[d]) return value;
        if (width[d] == 0) return 0.5;
        double t = log[d] ? Math.Log(value) : value;
        return Math.Clamp((t - low[d]) / width[d], 0, 1);
    }

    /// <summary>The parameter value an encoded coordinate stands for: within bounds, ints on their grid.</summary>
    public double Decode(int d, double u)
    {
        var p = Space.Parameters[d];
        if (IsCategorical[d]) return Math.Clamp(Math.Round(u), 0, Choices[d] - 1);
        double t = low[d] + Math.Clamp(u, 0, 1) * width[d];
        double x = log[d] ? Math.Exp(t) : t;
        return p.Kind == ParameterKind.Int ? SamplingMath.SnapInt(p, x) : Math.Clamp(x, p.Low, p.High);
    }

    /// <summary>A trial's values encoded; NaN where the space's conditions make a parameter inactive, whatever was stored.</summary>
    public double[] EncodeTrial(IReadOnlyList<double> values)
    {
        var u = new double[Count];
        for (int d = 0; d < u.Length; d++)
            u[d] = double.IsNaN(values[d]) || !Space.IsActive(d, values) ? double.NaN : Encode(d, values[d]);
        return u;
    }

    /// <summary>
    /// The point the GP sees for a candidate <paramref name="u"/> that holds a coordinate for every parameter (so that a
    /// parameter switched off and on again by local search keeps its value): inactive ones become NaN. Categorical
    /// coordinates hold choice indexes, which is all <see cref="SearchSpace.IsActive"/> reads.
    /// </summary>
    public void Effective(double[] u, double[] into)
    {
        for (int d = 0; d < u.Length; d++) into[d] = HasConditions && !Space.IsActive(d, u) ? double.NaN : u[d];
    }

    /// <summary>Rounds a candidate's int and categorical coordinates to what the proposal will really be.</summary>
    public void Snap(double[] u)
    {
        for (int d = 0; d < u.Length; d++)
            if (IsCategorical[d] || Space.Parameters[d].Kind == ParameterKind.Int) u[d] = Encode(d, Decode(d, u[d]));
    }

    /// <summary>The proposal: parameter values, NaN for inactive parameters.</summary>
    public double[] DecodeCandidate(double[] u)
    {
        var x = new double[Count];
        for (int d = 0; d < x.Length; d++) x[d] = HasConditions && !Space.IsActive(d, u) ? double.NaN : Decode(d, u[d]);
        return x;
    }
}
