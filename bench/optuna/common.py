"""Shared by the Optuna peer scripts: the header line, quantiles, and the benchmark functions of quality.py and
tpe_ablation.py in the argument shapes they use (the formulas themselves live once, in problems.py)."""
import math
import os
import platform
import sys
import warnings

import optuna

import problems as _problems

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def header():
    try:
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "?"
    print(f"# Optuna {optuna.__version__}, Python {platform.python_version()}, {os.cpu_count()} cores, load {load} (1/5/15 min)")
    sys.stdout.flush()


def quantile(values, q):
    """Linear interpolation between order statistics (numpy's default method)."""
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


# The benchmark functions are the search suite's (problems.py, held to the C# ones by ProblemAgreementTests); these
# adapters keep the argument shapes quality.py and tpe_ablation.py use.
BRANIN_MIN = 5 / (4 * math.pi)
HARTMANN_MIN = _problems.HARTMANN6_MIN
MIXED_ACTS = _problems.MIXED_ACTS
MIXED_MIN = 0.0


def branin(x0, x1):
    return _problems.branin([x0, x1])


def hartmann6(x):
    return _problems.hartmann6(x)


# The mixed space (bench/Attune.SweepBench/Spaces.cs, MixedFunction): log-uniform lr in [1e-5, 1], int depth in
# [1, 10], activation in {relu, tanh, sigmoid, gelu}; minimum 0 at lr = 1e-3, depth = 6, gelu.
def mixed(lr, depth, act):
    return _problems.mixed([lr, depth, MIXED_ACTS.index(act)])
