#!/usr/bin/env python3
"""Optuna's search quality, the same measurement as `Attune.SweepBench quality`: best regret (best value - known
minimum) after --trials sequential trials, seeds 0 .. --seeds - 1, in memory, on Branin, Hartmann-6 and the mixed space;
TPESampler(multivariate=True), TPESampler() defaults (multivariate=False) and RandomSampler; CmaEsSampler and
QMCSampler (scrambled Sobol) beside Attune's CmaEs and QuasiRandom. --only NAME[,NAME] runs just those samplers."""
import argparse
import time

import optuna

from common import (BRANIN_MIN, HARTMANN_MIN, MIXED_ACTS, MIXED_MIN, branin, hartmann6, header, mixed, quantile)


def obj_branin(trial):
    return branin(trial.suggest_float("x0", -5, 10), trial.suggest_float("x1", 0, 15))


def obj_hartmann(trial):
    return hartmann6([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])


def obj_mixed(trial):
    lr = trial.suggest_float("lr", 1e-5, 1, log=True)
    depth = trial.suggest_int("depth", 1, 10)
    act = trial.suggest_categorical("act", MIXED_ACTS)
    return mixed(lr, depth, act)


PROBLEMS = [("branin", obj_branin, BRANIN_MIN), ("hartmann6", obj_hartmann, HARTMANN_MIN), ("mixed", obj_mixed, MIXED_MIN)]
SAMPLERS = [
    ("tpe-mv", lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True)),
    ("tpe-uni (default)", lambda s: optuna.samplers.TPESampler(seed=s)),
    ("random", lambda s: optuna.samplers.RandomSampler(seed=s)),
    ("cma-es", lambda s: optuna.samplers.CmaEsSampler(seed=s)),
    ("quasi-random", lambda s: optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=s)),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    samplers = [s for s in SAMPLERS if args.only is None or s[0] in args.only.split(",")]
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # CmaEsSampler warns once per trial about the categorical
    header()
    print(f"# quality: best regret (best value - known minimum) after {args.trials} trials, seeds 0..{args.seeds - 1}; lower is better")
    print(f"{'function':<10} {'sampler':<18} {'q25':>10} {'median':>10} {'q75':>10} {'s/run':>7}", flush=True)
    for name, objective, minimum in PROBLEMS:
        for sname, make in samplers:
            regrets = []
            t0 = time.perf_counter()
            for seed in range(args.seeds):
                study = optuna.create_study(direction="minimize", sampler=make(seed))
                study.optimize(objective, n_trials=args.trials)
                regrets.append(study.best_value - minimum)
            per_run = (time.perf_counter() - t0) / args.seeds
            q = [quantile(regrets, p) for p in (0.25, 0.5, 0.75)]
            print(f"{name:<10} {sname:<18} {q[0]:10.3e} {q[1]:10.3e} {q[2]:10.3e} {per_run:7.3f}", flush=True)
    print("# quartiles by linear interpolation (numpy's default); tpe-mv = TPESampler(multivariate=True), tpe-uni = TPESampler() defaults")


if __name__ == "__main__":
    main()
