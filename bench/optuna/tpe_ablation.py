#!/usr/bin/env python3
"""Optuna 3.1's TPE on the mixed spaces of bench/Attune.SweepBench/TpeAblation.cs (the TPE diagnosis of issue 14):
best regret after --trials sequential trials, seeds 0 .. --seeds - 1, TPESampler() defaults (univariate) and
TPESampler(multivariate=True). The formulas are mirrored from the C# file; keep the two in step."""
import argparse
import math
import time

import optuna

from common import header, mixed, MIXED_ACTS, quantile, branin, BRANIN_MIN, hartmann6, HARTMANN_MIN

OPT = ["sgd", "adam", "adamw", "rmsprop"]
OPT_SHIFT = [-1.5, 0, 0.3, 0.5]
OPT_PENALTY = [0.2, 0.05, 0, 0.1]


def optmixed(t):
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    o = OPT.index(t.suggest_categorical("optimizer", OPT))
    layers = t.suggest_int("layers", 1, 8)
    dropout = t.suggest_float("dropout", 0, 0.5)
    a = math.log10(lr) + 3 + OPT_SHIFT[o]
    return a * a + OPT_PENALTY[o] + 0.05 * (layers - 3) ** 2 + 4 * (dropout - 0.15) ** 2


def manycat(t):
    c = int(t.suggest_categorical("c", [f"c{i}" for i in range(12)])[1:])
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    x = t.suggest_float("x", -2, 2)
    a = math.log10(lr) + 3 + 0.25 * (c % 4)
    return 0.1 * abs(c - 7) + a * a + (x - 0.5) ** 2


def intheavy(t):
    a = t.suggest_int("a", 1, 20) - 7
    b = t.suggest_int("b", 1, 20) - 12
    k = t.suggest_int("k", 0, 6) - 2
    w = (t.suggest_int("w", 16, 512, step=16) - 128) / 16
    kind = 0 if t.suggest_categorical("kind", ["x", "y", "z"]) == "y" else 0.5
    return 0.02 * (a * a + b * b) + 0.01 * (a - b) ** 2 + 0.1 * k * k + 0.005 * w * w + kind


def mixed_obj(t):
    return mixed(t.suggest_float("lr", 1e-5, 1, log=True), t.suggest_int("depth", 1, 10), t.suggest_categorical("act", MIXED_ACTS))


PROBLEMS = {"mixed": (mixed_obj, 0.0), "optmixed": (optmixed, 0.0), "manycat": (manycat, 0.0), "intheavy": (intheavy, 0.0),
            "branin": (lambda t: branin(t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)), BRANIN_MIN),
            "hartmann6": (lambda t: hartmann6([t.suggest_float(f"x{i}", 0, 1) for i in range(6)]), HARTMANN_MIN)}
SAMPLERS = {"tpe-uni": lambda s: optuna.samplers.TPESampler(seed=s),
            "tpe-mv": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--problems", default=",".join(PROBLEMS))
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    args = ap.parse_args()
    header()
    print(f"# tpe_ablation: best regret after {args.trials} trials, seeds {args.first_seed}..{args.first_seed + args.seeds - 1}; lower is better")
    print(f"{'problem':<10} {'sampler':<14} {'q25':>10} {'median':>10} {'q75':>10} {'s/run':>7}", flush=True)
    for name in args.problems.split(","):
        objective, minimum = PROBLEMS[name]
        for sname in args.samplers.split(","):
            regrets = []
            t0 = time.perf_counter()
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                study = optuna.create_study(direction="minimize", sampler=SAMPLERS[sname](seed))
                study.optimize(objective, n_trials=args.trials)
                regrets.append(study.best_value - minimum)
            q = [quantile(regrets, p) for p in (0.25, 0.5, 0.75)]
            print(f"{name:<10} {sname:<14} {q[0]:10.3e} {q[1]:10.3e} {q[2]:10.3e} {(time.perf_counter() - t0) / args.seeds:7.3f}", flush=True)


if __name__ == "__main__":
    main()
