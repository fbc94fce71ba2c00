"""The search suite's problems (issue 14), defined exactly as bench/Attune.SweepBench/Problems/*.cs: the same names,
parameters (kind, bounds, log scale, step, choices, condition) and formulas, on the same internal values (floats and
ints by value, categoricals by choice index, NaN for an inactive conditional parameter). Written for this benchmark;
the continuous formulas are the textbook ones (Surjanovic & Bingham's Virtual Library of Simulation Experiments).
tests/Attune.Tuning.Tests/ProblemAgreementTests.cs runs `python3 problems.py eval` to check both sides agree.

    python3 problems.py list                      names, families, dimensions
    python3 problems.py eval < points.json        [{"problem": name, "values": [...]}, ...] -> the values, one a line
"""
import json
import math
import os
import sys

NAN = float("nan")


class Param:
    def __init__(self, name, kind, low=0.0, high=0.0, log=False, step=0.0, choices=None, parent=None, when=None):
        self.name, self.kind, self.low, self.high, self.log, self.step = name, kind, low, high, log, step
        self.choices, self.parent, self.when = choices, parent, when


def floats(n, low, high):
    return [Param(f"x{i}", "float", low, high) for i in range(n)]


class Problem:
    def __init__(self, name, family, params, evaluate, minimum, optimum, noise_sd=0.0):
        self.name, self.family, self.params, self.evaluate = name, family, params, evaluate
        self.minimum, self.optimum, self.noise_sd = minimum, optimum, noise_sd

    @property
    def continuous(self):
        return all(p.kind == "float" and p.parent is None for p in self.params)

    def observe(self, values, seed, trial):
        """What the sampler sees: the objective plus, when noisy, seeded noise that depends only on (seed, trial)."""
        y = self.evaluate(values)
        return y if self.noise_sd == 0 else y + self.noise_sd * seeded_gaussian(seed, trial)


# --- seeded noise: two SplitMix64 outputs, one Box-Muller draw (SeededNoise.cs) -----------------------------------
_M = (1 << 64) - 1


def seeded_gaussian(seed, trial):
    state = [((seed & 0xFFFFFFFF) * 1_000_003 + (trial & 0xFFFFFFFF)) & _M]

    def uniform():
        state[0] = (state[0] + 0x9E3779B97F4A7C15) & _M
        z = state[0]
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
        z ^= z >> 31
        return (z >> 11) * (1.0 / (1 << 53))

    u1 = uniform()
    u2 = uniform()
    return math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2)


# --- continuous (ContinuousProblems.cs) ---------------------------------------------------------------------------
DIMS = 10


def branin(x):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    q = x[1] - b * x[0] * x[0] + c * x[0] - 6
    return q * q + 10 * (1 - t) * math.cos(x[0]) + 10


HARTMANN6_MIN = -3.32236801141551
HARTMANN6_OPT = [0.20168951265373, 0.15001069271186, 0.47687397861849, 0.27533243480813, 0.31165161547083, 0.65730053514426]
_ALPHA = [1.0, 1.2, 3.0, 3.2]
_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
      [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            d = x[j] - _P[i][j]
            inner += _A[i][j] * d * d
        total += _ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    squares = sum(v * v for v in x)
    cosines = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(squares / n)) - math.exp(cosines / n) + 20 + math.e


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(x) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski_tang(x):
    return 0.5 * sum(v ** 4 - 16 * v * v + 5 * v for v in x)


ST_ARGMIN = -2.903534027771178
ST_MIN_PER_DIM = 0.5 * (ST_ARGMIN ** 4 - 16 * ST_ARGMIN * ST_ARGMIN + 5 * ST_ARGMIN)


# --- mixed (MixedProblems.cs, Spaces.cs MixedFunction) -------------------------------------------------------------
MIXED_ACTS = ["relu", "tanh", "sigmoid", "gelu"]
_SHIFT = [0.0, 0.5, -1.0, 0.0]
_PENALTY = [0.5, 0.3, 1.0, 0.0]


def mixed(x):
    act = int(x[2])
    a = math.log10(x[0]) + 3 + _SHIFT[act]
    d = x[1] - 6
    return a * a + 0.05 * d * d + _PENALTY[act]


def int_heavy(x):
    layers = x[0]
    width = math.log2(x[1]) - (11 - layers)
    batch = (x[2] - 64) / 64
    epochs = (x[3] - 30) / 10
    heads = x[4] - 8
    warmup = x[5] / 1000 - 0.3
    dropout = x[6] - 0.1
    return (0.1 * (layers - 4) * (layers - 4) + 0.5 * width * width + batch * batch + 0.5 * epochs * epochs
            + 0.02 * heads * heads + warmup * warmup + 4 * dropout * dropout)


# --- conditional (ConditionalProblem.cs) ---------------------------------------------------------------------------
OPTIMIZERS = ["sgd", "adam", "adamw", "rmsprop"]
_BEST_LOG10_LR = [-1.0, -3.0, -3.0, -3.5]
_OPT_PENALTY = [0.15, 0.1, 0.0, 0.2]


def conditional(x):
    o = int(x[0])
    lr = math.log10(x[1]) - _BEST_LOG10_LR[o]
    dropout = x[6] - 0.1
    f = lr * lr + _OPT_PENALTY[o] + 2 * dropout * dropout
    if o == 0:
        f += 4 * (x[2] - 0.9) * (x[2] - 0.9)
    elif o == 3:
        f += (x[2] - 0.5) * (x[2] - 0.5)
    else:
        beta2 = math.log10(1 - x[4]) + 3
        f += 10 * (x[3] - 0.9) * (x[3] - 0.9) + 0.1 * beta2 * beta2
        if o == 2:
            wd = math.log10(x[5]) + 2
            f += 0.2 * wd * wd
    return f


# --- many categories (ManyCategoriesProblem.cs) --------------------------------------------------------------------
def many_cats(v):
    feature, scheme = int(v[0]), int(v[1])
    a = (11 * feature + 5) % 24 / 8.0
    b = (4 * scheme + 3) % 15 / 10.0
    c = 7 * scheme % 15 / 14.0
    x = v[2] - c
    lr = math.log10(v[3]) + 2
    return a + b + 4 * x * x + 0.5 * lr * lr + (0 if (feature + scheme + 1) % 3 == 0 else 0.3)


# --- the real sweep (DigitsTableProblem.cs) ------------------------------------------------------------------------
DIGITS_OPTIMIZERS = ["sgd", "adam", "adamw"]
DIGITS_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "digits-mlp-sweep.csv")


def _nearest(position, count):
    return min(max(int(math.floor(position + 0.5)), 0), count - 1)


def digits_snap(x):
    return (int(x[0]), _nearest((math.log10(x[1]) + 4) * 2, 7), _nearest(math.log2(x[2]) - 4, 4), _nearest(math.log10(x[3]) + 5, 4))


def digits_problem(path=DIGITS_TABLE):
    error = {}
    with open(path) as f:
        header = f.readline()
        if not header.startswith("optimizer,lr,hidden,weight_decay,val_accuracy"):
            raise ValueError(f"{path}: expected the header to start with 'optimizer,lr,hidden,weight_decay,val_accuracy'; found {header!r}")
        for line in f:
            if not line.strip():
                continue
            c = line.strip().split(",")
            key = digits_snap([DIGITS_OPTIMIZERS.index(c[0]), float(c[1]), float(c[2]), float(c[3])])
            if key in error:
                raise ValueError(f"{path}: grid point {c[:4]} appears twice")
            error[key] = 1 - float(c[4])
    if len(error) != 3 * 7 * 4 * 4:
        raise ValueError(f"{path}: expected all 336 grid points; found {len(error)}")
    best_key = min(sorted(error), key=lambda k: error[k])
    o, l, h, d = best_key
    params = [Param("optimizer", "cat", choices=DIGITS_OPTIMIZERS), Param("lr", "float", 1e-4, 1e-1, log=True),
              Param("hidden", "int", 16, 128, log=True, step=1), Param("weight_decay", "float", 1e-5, 1e-2, log=True)]
    return Problem("digits-mlp", "real", params, lambda x: error[digits_snap(x)], error[best_key],
                   [o, 10 ** (-4 + l / 2), 16 << h, 10 ** (-5 + d)])


def synthetic():
    return [
        Problem("branin", "continuous", [Param("x0", "float", -5, 10), Param("x1", "float", 0, 15)], branin, 5 / (4 * math.pi), [math.pi, 2.275]),
        Problem("hartmann6", "continuous", floats(6, 0, 1), hartmann6, HARTMANN6_MIN, HARTMANN6_OPT),
        Problem("rosenbrock10", "continuous", floats(DIMS, -5, 10), rosenbrock, 0.0, [1.0] * DIMS),
        Problem("ackley10", "continuous", floats(DIMS, -32.768, 32.768), ackley, 0.0, [0.0] * DIMS),
        Problem("levy10", "continuous", floats(DIMS, -10, 10), levy, 0.0, [1.0] * DIMS),
        Problem("styblinski10", "continuous", floats(DIMS, -5, 5), styblinski_tang, ST_MIN_PER_DIM * DIMS, [ST_ARGMIN] * DIMS),
        Problem("mixed", "mixed", [Param("lr", "float", 1e-5, 1, log=True), Param("depth", "int", 1, 10, step=1),
                                   Param("act", "cat", choices=MIXED_ACTS)], mixed, 0.0, [1e-3, 6, 3]),
        Problem("int-heavy", "mixed", [Param("layers", "int", 1, 8, step=1), Param("width", "int", 16, 1024, log=True, step=1),
                                       Param("batch", "int", 8, 256, step=8), Param("epochs", "int", 1, 50, step=1),
                                       Param("heads", "int", 1, 16, step=1), Param("warmup", "int", 0, 1000, step=50),
                                       Param("dropout", "float", 0, 0.5)], int_heavy, 0.0, [4, 128, 64, 30, 8, 300, 0.1]),
        Problem("conditional", "conditional", [
            Param("optimizer", "cat", choices=OPTIMIZERS), Param("lr", "float", 1e-5, 1, log=True),
            Param("momentum", "float", 0, 0.99, parent="optimizer", when=[0, 3]),
            Param("beta1", "float", 0.8, 0.99, parent="optimizer", when=[1, 2]),
            Param("beta2", "float", 0.9, 0.9999, parent="optimizer", when=[1, 2]),
            Param("weight_decay", "float", 1e-6, 1e-1, log=True, parent="optimizer", when=[2]),
            Param("dropout", "float", 0, 0.5)], conditional, 0.0, [2, 1e-3, NAN, 0.9, 0.999, 1e-2, 0.1]),
        Problem("many-cats", "categorical", [
            Param("feature", "cat", choices=[f"f{i:02d}" for i in range(24)]), Param("scheme", "cat", choices=[f"s{i:02d}" for i in range(15)]),
            Param("x", "float", 0, 1), Param("lr", "float", 1e-5, 1e-1, log=True)], many_cats, 0.0, [17, 3, 6 / 14, 1e-2]),
        Problem("noisy-hartmann6", "noisy", floats(6, 0, 1), hartmann6, HARTMANN6_MIN, HARTMANN6_OPT, noise_sd=0.1),
    ]


def all_problems(digits_table=DIGITS_TABLE):
    return synthetic() + [digits_problem(digits_table)]


def select(names, digits_table=DIGITS_TABLE):
    """The problems named (comma-separated; empty: all), in suite order; the digits table is read only when selected."""
    if not names:
        return all_problems(digits_table)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = [p.name for p in synthetic()] + ["digits-mlp"]
    for n in wanted:
        if n not in known:
            raise SystemExit(f"Unknown problem '{n}'; expected one of {', '.join(known)}.")
    pool = all_problems(digits_table) if "digits-mlp" in wanted else synthetic()
    return [p for p in pool if p.name in wanted]


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "list"
    if command == "list":
        for p in all_problems() if os.path.exists(DIGITS_TABLE) else synthetic():
            print(f"{p.name:<16} {p.family:<12} {len(p.params):>3} params  minimum {p.minimum!r}")
    elif command == "eval":
        # Evaluates points given as JSON on stdin; prints repr() of each value, one a line, for the C# agreement test.
        problems = {p.name: p for p in (all_problems() if os.path.exists(DIGITS_TABLE) else synthetic())}
        for item in json.load(sys.stdin):
            values = [NAN if v is None else v for v in item["values"]]
            p = problems[item["problem"]]
            if "seed" in item:
                print(repr(p.observe(values, item["seed"], item["trial"])))
            else:
                print(repr(p.evaluate(values)))
    else:
        raise SystemExit(f"usage: problems.py list | eval < points.json; got '{command}'")


if __name__ == "__main__":
    main()
