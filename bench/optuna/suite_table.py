#!/usr/bin/env python3
"""Prints the search suite's table from the run CSVs of both halves (Attune.SweepBench suite, suite.py) and writes
the summary CSV: for each problem and budget, each sampler's median and quartiles of regret over the seeds, side by
side, and a verdict: Attune's default TPE (attune-tpe) against the better of Optuna's two TPE medians (optuna-tpe,
optuna-tpe-mv): "win" when lower, "loss" when higher, with the ratio Attune / Optuna; "tie" when equal.
Quartiles by linear interpolation between order statistics (numpy's default). Needs no Optuna.

    python3 suite_table.py RUNS.csv [RUNS.csv ...] [--summary summary.csv] [--markdown]
"""
import argparse
import csv
import math
from collections import defaultdict


def quantile(values, q):
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def g(v):
    """Three significant digits; regrets span 1e-12 .. 1e3."""
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1000:
        return f"{v:.3g}"
    if 1000 <= abs(v) < 1e5:
        return f"{v:.0f}"
    return f"{v:.2e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


SAMPLER_ORDER = ["attune-tpe", "optuna-tpe", "optuna-tpe-mv"]


def verdict(medians):
    if "attune-tpe" not in medians:
        return "-"
    optuna = [medians[s] for s in ("optuna-tpe", "optuna-tpe-mv") if s in medians]
    if not optuna:
        return "-"
    a, o = medians["attune-tpe"], min(optuna)
    if a == o:
        return "tie"
    if o <= 0:
        return "loss (Optuna 0)" if a > o else "win"
    ratio = a / o
    return f"win x{ratio:.2f}" if a < o else f"loss x{ratio:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--summary")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    regrets = defaultdict(list)  # (problem, budget, sampler) -> regrets over seeds
    cpu = defaultdict(dict)  # (problem, sampler) -> {seed: CPU seconds of the whole run}
    problems, samplers, budgets = [], [], []
    for path in args.runs:
        with open(path) as f:
            for row in csv.DictReader(f):
                p, s, b = row["problem"], row["sampler"], int(row["budget"])
                for seen, v in ((problems, p), (samplers, s), (budgets, b)):
                    if v not in seen:
                        seen.append(v)
                regrets[(p, b, s)].append(float(row["regret"]))
                if row.get("cpu_seconds"):
                    cpu[(p, s)][row["seed"]] = float(row["cpu_seconds"])
    budgets.sort()
    seeds = {s: len(regrets[(p, b, s)]) for (p, b, s) in regrets}
    if len(set(seeds.values())) > 1:
        print("# note: the samplers were run on different numbers of seeds: " + ", ".join(f"{s} {n}" for s, n in sorted(seeds.items())))
    samplers.sort(key=lambda s: (SAMPLER_ORDER.index(s) if s in SAMPLER_ORDER else len(SAMPLER_ORDER), not s.startswith("attune"), s))
    summary = []
    cell_width = 29
    if args.markdown:
        print("| problem | trials | " + " | ".join(samplers) + " | attune-tpe vs best Optuna TPE |")
        print("|---|---:|" + "---:|" * len(samplers) + "---|")
    for p in problems:
        if not args.markdown:
            print()
            print(f"{p} (median [q25, q75] of regret over seeds)")
            print(f"{'trials':>6}  " + "".join(f"{s:<{cell_width}}" for s in samplers) + "verdict")
        for b in budgets:
            medians, cells = {}, []
            for s in samplers:
                values = regrets.get((p, b, s))
                if not values:
                    cells.append("-")
                    continue
                q = [quantile(values, x) for x in (0.25, 0.5, 0.75)]
                medians[s] = q[1]
                summary.append([p, b, s, len(values), repr(q[0]), repr(q[1]), repr(q[2])])
                cells.append(f"{g(q[1])} [{g(q[0])}, {g(q[2])}]")
            v = verdict(medians)
            if args.markdown:
                print(f"| {p} | {b} | " + " | ".join(cells) + f" | {v} |")
            else:
                print(f"{b:>6}  " + "".join(f"{c:<{cell_width - 1}} " for c in cells) + v)
        if not args.markdown and any(cpu.get((p, s)) for s in samplers):
            per_run = [f"{quantile(list(cpu[(p, s)].values()), 0.5):.3f} per run" if cpu.get((p, s)) else "-" for s in samplers]
            print(f"{'cpu s':>6}  " + "".join(f"{c:<{cell_width - 1}} " for c in per_run))
    if args.summary:
        with open(args.summary, "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["problem", "budget", "sampler", "seeds", "q25", "median", "q75"])
            out.writerows(summary)


if __name__ == "__main__":
    main()
