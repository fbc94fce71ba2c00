#!/usr/bin/env python3
"""Optuna's pruners on the learning curves of `Attune.SweepBench pruning`, the same measurement.

The curves (tests/Attune.Tuning.Tests/LearningCurves.cs, re-written here from its formulas): a recipe (lr log-uniform
[1e-5, 1], optimizer of 3, width log-int [16, 1024], dropout [0, 0.5]) gives loss(t) = a + (2.3 - a)(1 + t/tau)^-2 at
epoch t = step + 1 of 30, plus Gaussian noise (sd 0.015) drawn from the same SplitMix64 stream keyed by (seed, trial
number, step), so trial n of seed s sees the same noise as in Attune. TPESampler(seed) with 1 worker; each pruner gets
the same budget of steps trained; at each budget the recommended recipe is the completed trial with the best observed
final loss among those that ended within it, and its regret is its noise-free final loss minus the best possible.
"""
import argparse
import math
import random

import optuna

from common import header, quantile

EPOCHS = 30
NOISE_SD = 0.015
OPTIMIZERS = ["sgd", "adam", "adamw"]
BEST_LOG10_RATE = [-1.5, -3.0, -2.7]
OPTIMIZER_PENALTY = [0.03, 0.01, 0.0]
FAMILIES = {"early-crossing": (3.0, 2.5), "late-crossing": (4.0, 4.0)}
MASK = (1 << 64) - 1


def asymptote(lr, o, width, dropout):
    u = math.log10(lr) - BEST_LOG10_RATE[o]
    rate = 0.12 * u * u if u > 0 else 0.05 * u * u
    d, w = dropout - 0.2, math.log2(width / 256.0)
    return 0.1 + rate + 0.4 * d * d + 0.008 * w * w + OPTIMIZER_PENALTY[o]


def true_loss(family, lr, o, width, dropout, step):
    base, speedup = FAMILIES[family]
    u = math.log10(lr) - BEST_LOG10_RATE[o]
    tau = base * speedup ** (-u) * math.sqrt(width / 256.0) * (1 + 2 * dropout)
    a = asymptote(lr, o, width, dropout)
    return a + (2.3 - a) * (1 + (step + 1) / tau) ** -2


def _mix(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def gaussian(seed, trial, step):
    z = ((seed * 0x9E3779B97F4A7C15) & MASK) ^ ((trial * 0xC2B2AE3D27D4EB4F) & MASK) ^ ((step * 0x165667B19E3779F9) & MASK)
    z, a = _mix(z)
    z, b = _mix(z)
    u1 = (a >> 11) * (1.0 / (1 << 53))
    u2 = (b >> 11) * (1.0 / (1 << 53))
    return math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2)


def best_final_loss(family):
    """Dense random search refined by coordinate steps, as LearningCurves.cs does."""
    rng = random.Random(12345)
    best, rec = float("inf"), None
    for _ in range(200_000):
        r = [10 ** (-5 + 5 * rng.random()), rng.randrange(3), int(round(2 ** (4 + 6 * rng.random()))), 0.5 * rng.random()]
        f = true_loss(family, *r, EPOCHS - 1)
        if f < best:
            best, rec = f, r
    h = 0.05
    while h > 1e-5:
        moved = True
        while moved:
            moved = False
            lr, o, w, d = rec
            for c in ([min(1, lr * 10 ** h), o, w, d], [max(1e-5, lr / 10 ** h), o, w, d], [lr, o, w, min(0.5, d + h)],
                      [lr, o, w, max(0, d - h)], [lr, o, min(1024, w + 1), d], [lr, o, max(16, w - 1), d]):
                f = true_loss(family, *c, EPOCHS - 1)
                if f < best - 1e-15:
                    best, rec, moved = f, c, True
        h /= 2
    return best


def pruner(name):
    if name == "none":
        return optuna.pruners.NopPruner()
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
    if name == "asha":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    return optuna.pruners.HyperbandPruner(min_resource=1, max_resource="auto", reduction_factor=3)


def run(family, pruner_name, seed, step_budget):
    records = []
    steps = [0]

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-5, 1, log=True)
        o = OPTIMIZERS.index(trial.suggest_categorical("optimizer", OPTIMIZERS))
        width = trial.suggest_int("width", 16, 1024, log=True)
        dropout = trial.suggest_float("dropout", 0, 0.5)
        observed, completed = float("nan"), True
        for step in range(EPOCHS):
            observed = true_loss(family, lr, o, width, dropout, step) + NOISE_SD * gaussian(seed, trial.number, step)
            steps[0] += 1
            trial.report(observed, step)
            if trial.should_prune():
                completed = False
                break
        records.append((completed, steps[0], observed, true_loss(family, lr, o, width, dropout, EPOCHS - 1)))
        if steps[0] >= step_budget:
            trial.study.stop()
        if not completed:
            raise optuna.TrialPruned()
        return observed

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed), pruner=pruner(pruner_name))
    study.optimize(objective, n_trials=5000)
    return records


def regret_at(records, budget, best):
    done = [r for r in records if r[0] and r[1] <= budget]
    return min(done, key=lambda r: r[2])[3] - best if done else float("inf")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budgets", default="10,20,40,80")
    parser.add_argument("--pruners", default="none,median,asha,hyperband")
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    header()
    print(f"# pruning: Optuna TPESampler on the learning curves of Attune.SweepBench pruning; seeds 0..{args.seeds - 1}")
    print(f"{'curves':<14} {'pruner':<10} {'budget':>6} {'steps':>6} {'q25':>8} {'median':>8} {'q75':>8} {'trials':>6} {'full':>5}")
    for family in args.families.split(","):
        best = best_final_loss(family)
        print(f"# {family}: best possible final loss {best:.5f}", flush=True)
        for name in args.pruners.split(","):
            runs = [run(family, name, s, max(budgets) * EPOCHS) for s in range(args.seeds)]
            for b in budgets:
                steps = b * EPOCHS
                regrets = [regret_at(r, steps, best) for r in runs]
                trials = quantile([sum(1 for t in r if t[1] <= steps) for r in runs], 0.5)
                full = quantile([sum(1 for t in r if t[1] <= steps and t[0]) for r in runs], 0.5)
                q = [quantile(regrets, p) for p in (0.25, 0.5, 0.75)]
                print(f"{family:<14} {name:<10} {b:>6} {steps:>6} " + " ".join(f"{v:>8.4f}" for v in q) + f" {trials:>6.0f} {full:>5.0f}", flush=True)


if __name__ == "__main__":
    main()
