#!/usr/bin/env bash
# Sweep benchmarks: Attune's sampler + storage overhead and TPE search quality, next to Optuna's (docs/benchmarks.md,
# "Sweeps"). Installs Debian's python3-optuna when missing (needs root or sudo).
#   bench/run-sweep-benchmarks.sh
# The larger search-quality comparison (12 problems, 25..200 trials, every sampler, CSV results) is
# bench/run-search-suite.sh; the `quality` step here stays as the quick 3-function check.
# Environment: REPEATS (Attune overhead runs per configuration, default 3), OPTUNA_REPEATS (default 1: Optuna on SQLite
# at 1,000 TPE trials takes minutes per run), SEEDS (default 20), TRIALS (quality budget, default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS="${REPEATS:-3}"
OPTUNA_REPEATS="${OPTUNA_REPEATS:-1}"
SEEDS="${SEEDS:-20}"
TRIALS="${TRIALS:-100}"
# Debian's Optuna lives in the system interpreter, not in a pyenv/venv python3 that may come first on PATH.
PY=/usr/bin/python3

if ! "$PY" -c 'import optuna' 2>/dev/null; then
  echo "== installing python3-optuna (Debian) =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-optuna >/dev/null
fi

echo "== build (Release) =="
dotnet build -c Release bench/Attune.SweepBench -nologo -v q
BENCH=(dotnet bench/Attune.SweepBench/bin/Release/net10.0/Attune.SweepBench.dll)
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# Run one after the other (never at once: they would share the cores), then print side by side.
"${BENCH[@]}" overhead --repeats "$REPEATS" > "$OUT/attune-overhead.txt"
"$PY" bench/optuna/overhead.py --repeats "$OPTUNA_REPEATS" > "$OUT/optuna-overhead.txt"
"${BENCH[@]}" quality --seeds "$SEEDS" --trials "$TRIALS" > "$OUT/attune-quality.txt"
"$PY" bench/optuna/quality.py --seeds "$SEEDS" --trials "$TRIALS" > "$OUT/optuna-quality.txt"

side_by_side() { paste -d'|' <(awk '{ printf "%-72s\n", $0 }' "$1") "$2"; }
echo; echo "== overhead: Attune (left) | Optuna (right) =="
side_by_side "$OUT/attune-overhead.txt" "$OUT/optuna-overhead.txt"
echo; echo "== quality: Attune (left) | Optuna (right) =="
side_by_side "$OUT/attune-quality.txt" "$OUT/optuna-quality.txt"
