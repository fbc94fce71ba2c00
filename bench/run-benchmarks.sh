#!/usr/bin/env bash
# Runs every Attune benchmark and prints all numbers; see docs/benchmarks.md.
#   bench/run-benchmarks.sh            (from anywhere; installs Debian's python3-torch when missing, needs root or sudo)
# Environment: ROUNDS (default 11 = 10 measured + 1 warm-up), EPOCHS (default 10), LEAK_EPOCHS (default 100).
# OPENBLAS_* variables are passed through untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-11}"
EPOCHS="${EPOCHS:-10}"
LEAK_EPOCHS="${LEAK_EPOCHS:-100}"
# Debian's PyTorch lives in the system interpreter, not in a pyenv/venv python3 that may come first on PATH.
PY=/usr/bin/python3

if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "== installing python3-torch (Debian) =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch >/dev/null
fi

echo "== build (Release) =="
dotnet build -c Release bench/Attune.Bench -nologo -v q
BENCH=(dotnet bench/Attune.Bench/bin/Release/net10.0/Attune.Bench.dll)

echo; echo "== finetune: Attune RunFineTune vs hand-written TorchSharp loop =="
"${BENCH[@]}" finetune --rounds "$ROUNDS" --epochs "$EPOCHS"
echo; echo "== pytorch: the same job in PyTorch =="
"$PY" bench/pytorch/digits_loop.py --rounds "$ROUNDS" --epochs "$EPOCHS"
echo; echo "== leak: tensors and resident memory over a long RunFineTune =="
"${BENCH[@]}" leak --epochs "$LEAK_EPOCHS"
