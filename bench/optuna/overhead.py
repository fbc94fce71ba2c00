#!/usr/bin/env python3
"""Optuna's sampler + storage overhead per trial, the same measurement as `Attune.SweepBench overhead`.

5 parameters (x uniform [0, 1], y uniform [-5, 5], lr log-uniform [1e-5, 1e-1], n int [1, 100], act one of 4), a
trivial objective, study.optimize with 1 worker; TPESampler() defaults (seed 1) and RandomSampler(seed 1); in memory
and on SQLite (a new temp file per run). Each configuration runs --repeats times after one discarded 50-trial warm-up;
each column is the median over the repeats.
"""
import argparse
import math
import os
import tempfile
import time

import optuna

from common import header, quantile

ACTS = ["relu", "gelu", "tanh", "sigmoid"]


def once(sampler_name, storage_name, trials):
    stamps = []

    def objective(trial):
        stamps.append(time.perf_counter())
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", -5, 5)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        n = trial.suggest_int("n", 1, 100)
        act = trial.suggest_categorical("act", ACTS)
        return x * x + y * y + abs(math.log10(lr) + 3) + n / 100 + ACTS.index(act) * 0.1

    sampler = optuna.samplers.TPESampler(seed=1) if sampler_name == "tpe" else optuna.samplers.RandomSampler(seed=1)
    path = None
    storage = None
    if storage_name == "sqlite":
        fd, path = tempfile.mkstemp(prefix="optuna-sweepbench-", suffix=".db")
        os.close(fd)
        os.remove(path)
        storage = f"sqlite:///{path}"
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    study = optuna.create_study(direction="minimize", sampler=sampler, storage=storage, study_name="overhead")
    study.optimize(objective, n_trials=trials)
    t1 = time.perf_counter()
    cpu1 = time.process_time()
    assert len(study.trials) == trials
    if path is not None:
        for f in (path, path + "-wal", path + "-shm", path + "-journal"):
            if os.path.exists(f):
                os.remove(f)
    total = (t1 - t0) * 1000 / trials
    # The objective starts just after the sampler ran for that trial; over the last 100 starts we see the steady state.
    last = (stamps[-1] - stamps[-101]) * 1000 / 100 if trials > 100 else float("nan")
    return total, last, (cpu1 - cpu0) * 1000 / trials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--trials", default="100,1000")
    args = ap.parse_args()
    counts = [int(s) for s in args.trials.split(",")]
    header()
    print("# overhead: study.optimize end to end, 5 parameters (3 floats incl. 1 log, 1 int, 1 categorical), trivial objective, "
          f"1 worker; median of {args.repeats} run(s)")
    print(f"{'sampler':<8} {'storage':<7} {'trials':>6} {'ms/trial':>9} {'last100':>9} {'cpu/trial':>9}", flush=True)
    for sampler in ("tpe", "random"):
        for storage in ("memory", "sqlite"):
            once(sampler, storage, 50)  # warm-up, not reported
            for trials in counts:
                runs = [once(sampler, storage, trials) for _ in range(args.repeats)]
                med = [quantile([r[i] for r in runs], 0.5) for i in range(3)]
                last = f"{med[1]:9.3f}" if trials >= 200 else f"{'-':>9}"
                print(f"{sampler:<8} {storage:<7} {trials:>6} {med[0]:9.3f} {last} {med[2]:9.3f}", flush=True)
    print("# ms/trial: wall time of study.optimize (incl. create_study) / trials; last100: wall ms per trial over the last 100 trials "
          "(objective start to objective start);")
    print("# cpu/trial: process CPU time / trials. tpe = TPESampler() defaults (multivariate=False); sqlite = a new temp file per run.")


if __name__ == "__main__":
    main()
