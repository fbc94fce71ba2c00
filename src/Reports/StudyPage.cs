using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Attune.Search;

namespace Attune.Reports;

/// <summary>Builds a study's page from its stored trials. Point traces are WebGL (<c>scattergl</c>) so 10,000 trials
/// draw at once; slices share one figure (one WebGL context: browsers allow about 16 per page).</summary>
internal static class StudyPage
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // objectives: the score type's objectives recorded with the study's settings (a sweep with several), or null.
    public static ReportPage Build(StudyInfo study, IReadOnlyList<ParameterSpec> space, IReadOnlyList<StoredTrial> trials, ObjectiveSchema? objectives = null)
    {
        bool maximize = study.Direction == Direction.Maximize;
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v)).ToList();
        var pruned = trials.Where(t => t.State == TrialState.Pruned).ToList();
        StoredTrial? best = complete.Count == 0 ? null : maximize ? complete.MaxBy(t => t.Value) : complete.MinBy(t => t.Value);

        var page = new ReportPage($"Study {study.Name}", $"Attune study report: {trials.Count} trials, {study.Direction.ToString().ToLowerInvariant()} the objective; created {study.Created.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
        page.Facts.Add(("study", study.Name));
        page.Facts.Add(("direction", study.Direction.ToString()));
        page.Facts.Add(("trials", $"{trials.Count}: {complete.Count} complete, {pruned.Count} pruned, {trials.Count(t => t.State == TrialState.Failed)} failed, {trials.Count(t => t.State == TrialState.Running)} running"));
        if (best is not null)
        {
            page.Facts.Add(("best", $"trial #{best.Number}: {best.Value!.Value.ToString("G6", Inv)}"));
            page.Facts.Add(("best parameters", string.Join(", ", space.Select((p, i) => $"{p.Name} = {Natural(p, At(best.Values, i))}"))));
        }
        page.Facts.Add(("space", study.SpaceText.Replace("\n", "; ", StringComparison.Ordinal)));

        if (objectives is { Objectives.Count: 2 } && ParetoFront(complete, objectives) is { } front)
            page.Figures.Add(front);
        page.Figures.Add(History(complete, pruned, maximize));
        page.Figures.Add(Importances(space, complete));
        page.Figures.Add(Parallel(space, complete));
        page.Figures.Add(Slices(space, complete));
        page.Figures.Add(Intermediate(trials));
        page.Tables.Add(TrialTable(space, trials));
        return page;
    }

    private static Figure History(List<StoredTrial> complete, List<StoredTrial> pruned, bool maximize)
    {
        var bestSoFar = new List<double>(complete.Count);
        double running = double.NaN;
        foreach (var t in complete)
        {
            double v = t.Value!.Value;
            running = double.IsNaN(running) || (maximize ? v > running : v < running) ? v : running;
            bestSoFar.Add(running);
        }
        var data = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "scattergl", ["mode"] = "markers", ["name"] = "complete",
                ["x"] = J.Nums(complete.Select(t => (double)t.Number)), ["y"] = J.Nums(complete.Select(t => t.Value!.Value)),
                ["marker"] = new JsonObject { ["size"] = 5, ["color"] = "#1f77b4", ["opacity"] = 0.7 },
            },
            new JsonObject
            {
                ["type"] = "scattergl", ["mode"] = "markers", ["name"] = "pruned (last reported value)",
                ["x"] = J.Nums(pruned.Select(t => (double)t.Number)), ["y"] = J.Nums(pruned.Select(t => t.Value ?? LastIntermediate(t))),
                ["marker"] = new JsonObject { ["size"] = 5, ["color"] = "#d62728", ["symbol"] = "x", ["opacity"] = 0.5 },
            },
            new JsonObject
            {
                ["type"] = "scattergl", ["mode"] = "lines", ["name"] = "best so far", ["line"] = new JsonObject { ["shape"] = "hv", ["color"] = "#2ca02c", ["width"] = 2 },
                ["x"] = J.Nums(complete.Select(t => (double)t.Number)), ["y"] = J.Nums(bestSoFar),
            },
        };
        return new Figure("history", "Optimization history",
            "Each complete trial's objective by trial number, the best so far as a step line, and pruned trials at the last value they reported.",
            data, Layout(J.Axis("trial"), J.Axis("objective")));
    }

    /// <summary>For a study with two objectives: every complete trial by its two objectives, the infeasible ones apart,
    /// and the Pareto front (feasible, non-dominated) joined as a staircase in the first objective's order.</summary>
    private static Figure? ParetoFront(List<StoredTrial> complete, ObjectiveSchema objectives)
    {
        var scored = complete.Where(t => t.Objectives is { Count: 2 }).ToList();
        if (scored.Count == 0) return null;
        var directions = objectives.Directions;
        var feasible = scored.Where(t => ParetoRanking.IsFeasible(t.Constraints)).ToList();
        var front = feasible.Where(t => !feasible.Any(o => ParetoRanking.Dominates(o.Objectives!, t.Objectives!, directions))).OrderBy(t => t.Objectives![0]).ToList();
        var rest = feasible.Except(front).ToList();
        var infeasible = scored.Where(t => !ParetoRanking.IsFeasible(t.Constraints)).ToList();
        JsonObject Trace(string name, List<StoredTrial> list, string mode, JsonObject marker) => new()
        {
            ["type"] = "scattergl", ["mode"] = mode, ["name"] = name,
            ["x"] = J.Nums(list.Select(t => t.Objectives![0])), ["y"] = J.Nums(list.Select(t => t.Objectives![1])),
            ["text"] = new JsonArray(list.Select(t => (JsonNode?)JsonValue.Create($"trial #{t.Number}")).ToArray()), ["marker"] = marker,
        };
        var data = new JsonArray
        {
            Trace("dominated", rest, "markers", new JsonObject { ["size"] = 5, ["color"] = "#7f7f7f", ["opacity"] = 0.5 }),
            Trace("infeasible", infeasible, "markers", new JsonObject { ["size"] = 5, ["color"] = "#d62728", ["symbol"] = "x", ["opacity"] = 0.5 }),
            Trace($"Pareto front ({front.Count})", front, "lines+markers", new JsonObject { ["size"] = 7, ["color"] = "#1f77b4" }),
        };
        ((JsonObject)data[2]!)["line"] = new JsonObject { ["shape"] = "hv", ["color"] = "#1f77b4", ["width"] = 1 };
        string Axis(ObjectiveSpec o) => $"{o.Name} ({(o.Direction == Direction.Maximize ? "higher" : "lower")} is better)";
        return new Figure("pareto", "Pareto front",
            "Each complete trial by its two objectives; the front joins the feasible trials no other feasible trial beats on both, infeasible trials (a constraint above 0) are crosses.",
            data, Layout(J.Axis(Axis(objectives.Objectives[0])), J.Axis(Axis(objectives.Objectives[1]))));
    }

    private static Figure Importances(IReadOnlyList<ParameterSpec> space, List<StoredTrial> complete)
    {
        var importance = ParameterImportance.Compute(complete.Select(t => t.Values.ToArray()).ToList(), complete.Select(t => t.Value!.Value).ToList(),
            space.Select(p => p.Kind == ParameterKind.Categorical).ToList());
        var order = Enumerable.Range(0, space.Count).OrderBy(i => importance[i]).ToList(); // plotly draws a horizontal bar chart bottom-up
        var data = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "bar", ["orientation"] = "h", ["name"] = "importance",
                ["x"] = J.Nums(order.Select(i => importance[i])), ["y"] = J.Strings(order.Select(i => space[i].Name)),
                ["text"] = J.Strings(order.Select(i => importance[i].ToString("0.000", Inv))), ["textposition"] = "auto",
                ["marker"] = new JsonObject { ["color"] = "#1f77b4" },
            },
        };
        var layout = Layout(J.Axis("share of the objective's variance (ω², first-order)"), J.Axis(""));
        layout["height"] = Math.Max(260, 60 + 28 * space.Count);
        return new Figure("importance", "Parameter importances",
            $"First-order variance share per parameter from {complete.Count} complete trials: the objective's variance between the means of a parameter's value groups (choices, or up to {ParameterImportance.MaxBins} quantile bins), bias-corrected (ω²). Interactions are not counted; see docs/reports.md.",
            data, layout);
    }

    private static Figure Parallel(IReadOnlyList<ParameterSpec> space, List<StoredTrial> complete)
    {
        var dimensions = new JsonArray();
        for (int i = 0; i < space.Count; i++)
        {
            var p = space[i];
            int index = i;
            var dimension = new JsonObject();
            if (p.Kind == ParameterKind.Categorical && p.Choices is { } choices)
            {
                dimension["label"] = p.Name;
                dimension["values"] = J.Nums(complete.Select(t => At(t.Values, index)));
                dimension["tickvals"] = J.Nums(Enumerable.Range(0, choices.Count).Select(c => (double)c));
                dimension["ticktext"] = J.Strings(choices);
                dimension["range"] = new JsonArray(-0.5, choices.Count - 0.5);
            }
            else
            {
                // Log-scaled parameters on a log10 axis: parcoords has no log axis, and a linear one crowds them at one end.
                dimension["label"] = p.Log ? $"log10({p.Name})" : p.Name;
                dimension["values"] = J.Nums(complete.Select(t => p.Log ? Math.Log10(At(t.Values, index)) : At(t.Values, index)));
            }
            dimensions.Add(dimension);
        }
        var objective = complete.Select(t => t.Value!.Value).ToList();
        dimensions.Add(new JsonObject { ["label"] = "objective", ["values"] = J.Nums(objective) });
        var data = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "parcoords", ["dimensions"] = dimensions,
                ["line"] = new JsonObject { ["color"] = J.Nums(objective), ["colorscale"] = "Viridis", ["showscale"] = true, ["colorbar"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "objective" } } },
            },
        };
        var layout = Layout(null, null);
        layout["margin"] = new JsonObject { ["l"] = 80, ["r"] = 80, ["t"] = 60, ["b"] = 30 };
        return new Figure("parallel", "Parallel coordinates", "Complete trials, one line each, coloured by objective. Drag along an axis to filter.", data, layout);
    }

    private static Figure Slices(IReadOnlyList<ParameterSpec> space, List<StoredTrial> complete)
    {
        int columns = Math.Min(3, Math.Max(1, space.Count)), rows = (space.Count + columns - 1) / columns;
        var data = new JsonArray();
        var layout = Layout(null, null);
        layout["showlegend"] = false;
        layout["height"] = Math.Max(320, 300 * rows);
        layout["grid"] = new JsonObject { ["rows"] = Math.Max(1, rows), ["columns"] = columns, ["pattern"] = "independent", ["ygap"] = 0.35, ["xgap"] = 0.12 };
        var objective = J.Nums(complete.Select(t => t.Value!.Value));
        for (int i = 0; i < space.Count; i++)
        {
            var p = space[i];
            int index = i;
            string suffix = i == 0 ? "" : (i + 1).ToString(Inv);
            var x = p.Kind == ParameterKind.Categorical
                ? J.Array(complete.Select(t => (JsonNode?)Natural(p, At(t.Values, index))))
                : J.Nums(complete.Select(t => At(t.Values, index)));
            var marker = new JsonObject
            {
                ["size"] = 5, ["opacity"] = 0.7, ["color"] = J.Nums(complete.Select(t => (double)t.Number)), ["colorscale"] = "Blues",
                ["showscale"] = i == 0,
            };
            if (i == 0) marker["colorbar"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "trial" } };
            data.Add(new JsonObject
            {
                ["type"] = "scattergl", ["mode"] = "markers", ["name"] = p.Name, ["x"] = x, ["y"] = objective.DeepClone(),
                ["xaxis"] = "x" + suffix, ["yaxis"] = "y" + suffix, ["marker"] = marker,
            });
            var xAxis = J.Axis(p.Name, p.Log);
            if (p.Kind == ParameterKind.Categorical) { xAxis["type"] = "category"; xAxis["categoryorder"] = "array"; xAxis["categoryarray"] = J.Strings(p.Choices ?? Array.Empty<string>()); }
            layout["xaxis" + suffix] = xAxis;
            layout["yaxis" + suffix] = J.Axis(i % columns == 0 ? "objective" : "");
        }
        return new Figure("slices", "Slice plots", "Objective against each parameter on its own (complete trials; darker = later trial). A clear trend or a narrow band marks a parameter that matters.", data, layout);
    }

    private static Figure Intermediate(IReadOnlyList<StoredTrial> trials)
    {
        // One trace per state, trials separated by nulls: 10,000 trials make two WebGL traces, not 10,000 SVG ones.
        JsonObject Lines(TrialState state, string name, string color)
        {
            var x = new JsonArray();
            var y = new JsonArray();
            foreach (var t in trials.Where(t => t.State == state && t.Intermediate.Count > 0))
            {
                foreach (var (step, value) in t.Intermediate.OrderBy(kv => kv.Key)) { x.Add(step); y.Add(J.Num(value)); }
                x.Add(null); y.Add(null);
            }
            return new JsonObject { ["type"] = "scattergl", ["mode"] = "lines+markers", ["name"] = name, ["x"] = x, ["y"] = y, ["connectgaps"] = false,
                ["line"] = new JsonObject { ["color"] = color, ["width"] = 1 }, ["marker"] = new JsonObject { ["size"] = 3, ["color"] = color }, ["opacity"] = 0.6 };
        }
        var prunedAt = trials.Where(t => t.State == TrialState.Pruned && t.Intermediate.Count > 0).Select(t => t.Intermediate.MaxBy(kv => kv.Key)).ToList();
        var data = new JsonArray
        {
            Lines(TrialState.Complete, "complete", "#1f77b4"),
            Lines(TrialState.Pruned, "pruned", "#d62728"),
            new JsonObject { ["type"] = "scattergl", ["mode"] = "markers", ["name"] = "pruned here", ["x"] = J.Nums(prunedAt.Select(kv => (double)kv.Key)), ["y"] = J.Nums(prunedAt.Select(kv => kv.Value)),
                ["marker"] = new JsonObject { ["symbol"] = "x", ["size"] = 9, ["color"] = "#d62728" } },
        };
        var layout = Layout(J.Axis("step (epoch)"), J.Axis("intermediate value"));
        // The steps where trials were pruned are the pruner's decision points: with ASHA, its rungs.
        var rungs = prunedAt.Select(kv => kv.Key).Distinct().Order().ToList();
        var shapes = new JsonArray();
        var annotations = new JsonArray();
        foreach (int rung in rungs)
        {
            shapes.Add(new JsonObject { ["type"] = "line", ["xref"] = "x", ["yref"] = "paper", ["x0"] = rung, ["x1"] = rung, ["y0"] = 0, ["y1"] = 1,
                ["line"] = new JsonObject { ["color"] = "#7f7f7f", ["dash"] = "dot", ["width"] = 1 } });
            annotations.Add(new JsonObject { ["xref"] = "x", ["yref"] = "paper", ["x"] = rung, ["y"] = 1.02, ["text"] = $"rung {rung}", ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = 10 } });
        }
        if (!trials.Any(t => t.Intermediate.Count > 0))
            annotations.Add(new JsonObject { ["xref"] = "paper", ["yref"] = "paper", ["x"] = 0.5, ["y"] = 0.5, ["text"] = "no trial reported intermediate values", ["showarrow"] = false });
        layout["shapes"] = shapes;
        layout["annotations"] = annotations;
        return new Figure("intermediate", "Intermediate values",
            "Values each trial reported by step; pruned trials in red, an × where each was stopped. Dotted lines: the steps at which trials were pruned — with ASHA, its rungs.",
            data, layout);
    }

    private static Table TrialTable(IReadOnlyList<ParameterSpec> space, IReadOnlyList<StoredTrial> trials)
    {
        var columns = new List<string> { "#", "state", "value", "seconds", "last step" };
        columns.AddRange(space.Select(p => p.Name));
        columns.Add("note");
        var rows = new JsonArray();
        foreach (var t in trials)
        {
            var row = new JsonArray
            {
                t.Number, t.State.ToString(), t.Value is { } v ? J.Num(v) : null,
                t.Finished is { } f ? J.Num(Math.Round((f - t.Started).TotalSeconds, 3)) : null,
                t.Intermediate.Count > 0 ? t.Intermediate.Keys.Max() : null,
            };
            for (int i = 0; i < space.Count; i++)
            {
                double value = At(t.Values, i);
                row.Add(space[i].Kind == ParameterKind.Categorical || !double.IsFinite(value) ? Natural(space[i], value) : J.Num(value));
            }
            row.Add(t.State == TrialState.Failed ? $"{t.Failure}: {t.Error}" : t.RetryOf is { } r ? $"rerun of #{r}" : "");
            rows.Add(row);
        }
        return new Table("trials", "Trials", "Every trial; click a heading to sort, the arrows to page. Values are the objective (pruned: the last reported).", columns, rows);
    }

    private static JsonObject Layout(JsonObject? xAxis, JsonObject? yAxis)
    {
        var layout = new JsonObject
        {
            ["margin"] = new JsonObject { ["l"] = 60, ["r"] = 20, ["t"] = 30, ["b"] = 50 },
            ["legend"] = new JsonObject { ["orientation"] = "h", ["y"] = -0.2 },
            ["hovermode"] = "closest", ["height"] = 420,
        };
        if (xAxis is not null) layout["xaxis"] = xAxis;
        if (yAxis is not null) layout["yaxis"] = yAxis;
        return layout;
    }

    private static double LastIntermediate(StoredTrial t) => t.Intermediate.Count == 0 ? double.NaN : t.Intermediate.MaxBy(kv => kv.Key).Value;

    private static double At(IReadOnlyList<double> values, int i) => i < values.Count ? values[i] : double.NaN;

    /// <summary>A value as the user wrote it: a choice's text, an int without decimals, "" when inactive.</summary>
    internal static string Natural(ParameterSpec p, double v)
    {
        if (!double.IsFinite(v)) return "";
        return p.Kind switch
        {
            ParameterKind.Int => ((long)Math.Round(v)).ToString(Inv),
            ParameterKind.Categorical => p.Choices is { } c && (int)Math.Round(v) is var i && i >= 0 && i < c.Count ? c[i] : v.ToString(Inv),
            _ => v.ToString("G6", Inv),
        };
    }
}
