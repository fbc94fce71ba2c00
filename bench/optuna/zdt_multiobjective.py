# Optuna 3.1 peers for docs/multi-objective.md: NSGA-II, its default (MO)TPE and random on ZDT1/ZDT2 (d = 8, both
# minimised), 300 trials, seeds 0-4; hypervolume to the reference point (1.1, 6), as Nsga2SamplerTests measures Attune.
# Run: /usr/bin/python3 bench/optuna/zdt_multiobjective.py
import math, sys, statistics, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
def zdt(x, concave):
    f1 = x[0]; g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    h = 1 - (f1 / g) ** 2 if concave else 1 - math.sqrt(f1 / g)
    return f1, g * h
def hv(points, ref):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best = 0.0, ref[1]
    for x, y in pts:
        if y >= best: continue
        area += (ref[0] - x) * (best - y); best = y
    return area
def run(sampler, concave, seed, trials=300, d=8):
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    def obj(t):
        x = [t.suggest_float(f"x{i}", 0, 1) for i in range(d)]
        return zdt(x, concave)
    study.optimize(obj, n_trials=trials)
    return hv([t.values for t in study.trials], (1.1, 6.0))
for concave in (False, True):
    for name, make in [("nsga2", lambda s: optuna.samplers.NSGAIISampler(seed=s)), ("motpe", lambda s: optuna.samplers.TPESampler(seed=s)), ("random", lambda s: optuna.samplers.RandomSampler(seed=s))]:
        vals = [run(make(s), concave, s) for s in range(5)]
        print(f"ZDT{2 if concave else 1} optuna {name}: median HV {statistics.median(vals):.3f} ({', '.join(f'{v:.3f}' for v in vals)})", flush=True)
