"""Shared by overhead.py and quality.py: the benchmark functions, spaces and table helpers (written for this benchmark;
the formulas are the textbook ones, the same as tests/Attune.Tuning.Tests/TestFunctions.cs)."""
import math
import os
import platform
import sys
import warnings

import optuna

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


BRANIN_MIN = 0.397887


def branin(x0, x1):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    q = x1 - b * x0 * x0 + c * x0 - 6
    return q * q + 10 * (1 - t) * math.cos(x0) + 10


HARTMANN_MIN = -3.32237
_ALPHA = [1.0, 1.2, 3.0, 3.2]
_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
      [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(_A[i][j] * (x[j] - _P[i][j]) ** 2 for j in range(6))
        total += _ALPHA[i] * math.exp(-inner)
    return -total


# The mixed space (bench/Attune.SweepBench/Spaces.cs, MixedFunction): log-uniform lr in [1e-5, 1], int depth in
# [1, 10], activation in {relu, tanh, sigmoid, gelu}; minimum 0 at lr = 1e-3, depth = 6, gelu.
MIXED_ACTS = ["relu", "tanh", "sigmoid", "gelu"]
_SHIFT = {"relu": 0.0, "tanh": 0.5, "sigmoid": -1.0, "gelu": 0.0}
_PENALTY = {"relu": 0.5, "tanh": 0.3, "sigmoid": 1.0, "gelu": 0.0}
MIXED_MIN = 0.0


def mixed(lr, depth, act):
    a = math.log10(lr) + 3 + _SHIFT[act]
    d = depth - 6
    return a * a + 0.05 * d * d + _PENALTY[act]
