#!/usr/bin/env python3
"""Optuna's half of the search suite (issue 14), the same measurement as `Attune.SweepBench suite`: on every problem of
problems.py, seeds 0 .. --seeds - 1, one in-memory study of --trials sequential trials per (problem, sampler, seed),
with Optuna 3.1's TPESampler() defaults (univariate), TPESampler(multivariate=True), RandomSampler and CmaEsSampler
(problems whose parameters are all unconditional floats only). Each row of the CSV is one run and budget (with the run's wall and CPU seconds): the regret of
the trial a user would be told is best (lowest observed value, the first of ties) after that many trials, on the
noise-free objective, minus the known minimum. --jobs N runs N processes (quality does not depend on timing)."""
import argparse
import csv
import math
import multiprocessing
import time

from common import header  # sets Optuna's logging to warnings and silences ExperimentalWarning
import optuna
import problems as P

SAMPLERS = {
    "optuna-tpe": lambda s: optuna.samplers.TPESampler(seed=s),
    # Optuna warns on every trial of a conditional space that multivariate TPE samples some parameters independently.
    "optuna-tpe-mv": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True, warn_independent_sampling=False),
    "optuna-random": lambda s: optuna.samplers.RandomSampler(seed=s),
    "optuna-cmaes": lambda s: optuna.samplers.CmaEsSampler(seed=s),
}


def suggest(trial, problem):
    """Internal values in the space's order: floats and ints by value, categoricals by index, NaN when inactive."""
    values, index = [], {}
    for p in problem.params:
        if p.parent is not None:
            parent = values[index[p.parent]]
            if math.isnan(parent) or int(parent) not in p.when:
                index[p.name] = len(values)
                values.append(P.NAN)
                continue
        if p.kind == "float":
            v = trial.suggest_float(p.name, p.low, p.high, log=p.log)
        elif p.kind == "int":
            v = float(trial.suggest_int(p.name, int(p.low), int(p.high), step=1 if p.log else int(p.step or 1), log=p.log))
        else:
            v = float(p.choices.index(trial.suggest_categorical(p.name, p.choices)))
        index[p.name] = len(values)
        values.append(v)
    return values


def run_once(task):
    problem_name, sampler_name, seed, trials, budgets, digits_table = task
    problem = PROBLEMS_BY_NAME.get(problem_name) or {p.name: p for p in P.select(problem_name, digits_table)}[problem_name]
    best = [math.inf, math.nan]  # lowest observed value, and the noise-free value of that trial
    regrets = []

    def objective(trial):
        x = suggest(trial, problem)
        observed = problem.observe(x, seed, trial.number)
        if observed < best[0]:
            best[0] = observed
            best[1] = observed if problem.noise_sd == 0 else problem.evaluate(x)
        if trial.number + 1 in budgets:
            regrets.append(best[1] - problem.minimum)
        return observed

    t0, c0 = time.perf_counter(), time.process_time()
    study = optuna.create_study(direction="minimize", sampler=SAMPLERS[sampler_name](seed))
    study.optimize(objective, n_trials=trials)
    return problem_name, sampler_name, seed, regrets, time.perf_counter() - t0, time.process_time() - c0


PROBLEMS_BY_NAME = {}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds first-seed .. first-seed + seeds - 1 (to split a run)")
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--budgets", default="25,50,100,200")
    ap.add_argument("--problems", default="")
    ap.add_argument("--samplers", default="", help="comma-separated names of " + ", ".join(SAMPLERS))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default="optuna-suite.csv")
    ap.add_argument("--digits-table", default=P.DIGITS_TABLE)
    args = ap.parse_args()
    budgets = sorted(int(b) for b in args.budgets.split(","))
    if any(b < 1 or b > args.trials for b in budgets):
        raise SystemExit(f"Expected every budget within 1..{args.trials} (the trials per run); found {args.budgets}.")
    wanted = [w.strip() for w in args.samplers.split(",") if w.strip()]
    # One --samplers list names both halves' samplers: "attune-..." names are the other half's; anything else that is
    # not one of ours is a typo, which must not silently run nothing.
    unknown = [w for w in wanted if not w.startswith("attune-") and w not in SAMPLERS]
    if unknown:
        ap.error(f"--samplers names {', '.join(unknown)}, which is no sampler here; expected any of {', '.join(SAMPLERS)} (or Attune's, attune-...)")
    names = [s for s in SAMPLERS if not wanted or s in wanted]
    problems = P.select(args.problems, args.digits_table)
    PROBLEMS_BY_NAME.update({p.name: p for p in problems})
    header()
    print(f"# Optuna search suite: {len(problems)} problem(s) x {len(names)} sampler(s) ({', '.join(names)}; cmaes on continuous "
          f"problems only), seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, {args.trials} trials per run, {args.jobs} job(s) -> {args.out}", flush=True)
    total = time.perf_counter()
    with open(args.out, "w", newline="") as f, multiprocessing.Pool(args.jobs) as pool:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["problem", "sampler", "seed", "budget", "regret", "seconds", "cpu_seconds"])
        for problem in problems:
            block = time.perf_counter()
            tasks = [(problem.name, s, seed, args.trials, budgets, args.digits_table)
                     for s in names if s != "optuna-cmaes" or problem.continuous for seed in range(args.first_seed, args.first_seed + args.seeds)]
            for pname, sname, seed, regrets, seconds, cpu in pool.imap(run_once, tasks):
                for budget, regret in zip(budgets, regrets):
                    out.writerow([pname, sname, seed, budget, repr(regret), f"{seconds:.4f}", f"{cpu:.4f}"])
            f.flush()
            print(f"  {problem.name:<16} {time.perf_counter() - block:7.1f} s", flush=True)
    print(f"# Optuna half done in {time.perf_counter() - total:.1f} s", flush=True)


if __name__ == "__main__":
    main()
