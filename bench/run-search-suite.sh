#!/usr/bin/env bash
# The search suite of issue 14, from one command: Attune's samplers (every Sampler member but Grid) and Optuna 3.1's
# (TPE default = univariate, TPE multivariate, random, CMA-ES on all-float problems) on the suite's problems
# (bench/Attune.SweepBench/Problems, bench/optuna/problems.py), seeds 0..SEEDS-1, TRIALS trials per run; prints for
# each problem and budget the median [q25, q75] regret per sampler and the verdict (Attune TPE vs the better Optuna
# TPE), and writes machine-readable results (see docs/benchmarks.md, "Search suite (issue 14)").
#   bench/run-search-suite.sh [--seeds 20] [--first-seed 0] [--trials 200] [--budgets 25,50,100,200] [--problems a,b]
#                             [--samplers a,b] [--jobs 1] [--out bench/results/search-suite]
# --first-seed runs seeds first-seed .. first-seed + seeds - 1, to split a long run; the halves' CSVs of two such runs
# concatenate (drop the second header) before suite_table.py.
# --samplers takes names of both halves (attune-tpe, attune-random, ..., optuna-tpe, optuna-tpe-mv, optuna-random,
# optuna-cmaes). --jobs N runs Optuna's half in N processes and, when N >= 2, Attune's half (about a minute) beside it;
# the results do not depend on it (each run is deterministic per seed), only the time does. Both run under `nice -n 10`.
# Time: Optuna's TPE is nearly all of it (2-7 CPU s per 200-trial run at 3-7 parameters, more at 10); the default run
# needs roughly an hour of CPU, so about 30 min with --jobs 2 on a quiet 2-core machine.
# Output folder: attune-runs.csv and optuna-runs.csv (one row per run and budget), summary.csv (quartiles per problem,
# budget and sampler), table.txt (what is printed) and table.md (for the docs).
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=20; FIRST_SEED=0; TRIALS=200; BUDGETS=25,50,100,200; PROBLEMS=""; SAMPLERS=""; JOBS=1; OUT=bench/results/search-suite
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS="$2"; shift 2 ;;
    --first-seed) FIRST_SEED="$2"; shift 2 ;;
    --trials) TRIALS="$2"; shift 2 ;;
    --budgets) BUDGETS="$2"; shift 2 ;;
    --problems) PROBLEMS="$2"; shift 2 ;;
    --samplers) SAMPLERS="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "Unknown option '$1'; expected --seeds, --first-seed, --trials, --budgets, --problems, --samplers, --jobs or --out." >&2; exit 2 ;;
  esac
done
# Debian's Optuna lives in the system interpreter, not in a pyenv/venv python3 that may come first on PATH.
PY=/usr/bin/python3
if ! "$PY" -c 'import optuna, cmaes' 2>/dev/null; then
  echo "Optuna's half needs Debian's python3-optuna and python3-cmaes in $PY (apt-get install -y python3-optuna python3-cmaes)." >&2
  exit 1
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
START=$(date +%s)
echo "== build (Release) =="
dotnet build -c Release bench/Attune.SweepBench -nologo -v q
BENCH=(nice -n 10 dotnet bench/Attune.SweepBench/bin/Release/net10.0/Attune.SweepBench.dll)
COMMON=(--seeds "$SEEDS" --first-seed "$FIRST_SEED" --trials "$TRIALS" --budgets "$BUDGETS")
[ -n "$PROBLEMS" ] && COMMON+=(--problems "$PROBLEMS")
[ -n "$SAMPLERS" ] && COMMON+=(--samplers "$SAMPLERS")
attune() { "${BENCH[@]}" suite "${COMMON[@]}" --out "$OUT/attune-runs.csv"; }
optuna() { (cd bench/optuna && nice -n 10 "$PY" suite.py "${COMMON[@]}" --jobs "$1" --out "$OUT/optuna-runs.csv"); }
if [ "$JOBS" -ge 2 ]; then
  echo "== Attune and Optuna halves at once (Optuna in $JOBS processes) =="
  attune > "$OUT/attune.log" 2>&1 & APID=$!
  optuna "$JOBS"
  wait "$APID" || { cat "$OUT/attune.log"; exit 1; }
  cat "$OUT/attune.log"
else
  echo "== Attune half =="; attune
  echo "== Optuna half =="; optuna 1
fi
echo "== table =="
"$PY" bench/optuna/suite_table.py "$OUT/attune-runs.csv" "$OUT/optuna-runs.csv" --summary "$OUT/summary.csv" | tee "$OUT/table.txt"
"$PY" bench/optuna/suite_table.py "$OUT/attune-runs.csv" "$OUT/optuna-runs.csv" --markdown > "$OUT/table.md"
echo "# total $(( $(date +%s) - START )) s; results in $OUT"
