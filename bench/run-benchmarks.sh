#!/usr/bin/env bash
# Runs every Attune benchmark and prints all numbers; see docs/benchmarks.md.
#   bench/run-benchmarks.sh            (from anywhere; installs Debian's python3-torch when missing, needs root or sudo)
# Environment: ROUNDS (default 21 = 20 measured + 1 warm-up) and EPOCHS (default 10) for the PyTorch peer,
# LEAK_EPOCHS (default 100), OVERHEAD_ARGS (extra options for `overhead`, e.g. "--cases train-mlp,eval-mlp --no-processes").
# OPENBLAS_* variables are passed through untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-21}"
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

echo; echo "== overhead: Attune vs hand-written TorchSharp (training steps, evaluation, batch assembly; MLP and encoder) =="
# shellcheck disable=SC2086
"${BENCH[@]}" overhead ${OVERHEAD_ARGS:-}
echo; echo "== pytorch: the same job in PyTorch, as Debian installs it =="
"$PY" bench/pytorch/digits_loop.py --rounds "$ROUNDS" --epochs "$EPOCHS"

# Debian's python3-torch takes the system's libblas.so.3; with only libblas3 present that is the reference BLAS, which
# dominates this job's time. Run it again on single-threaded OpenBLAS, unpacked into a cache folder and put on
# LD_LIBRARY_PATH for this one process: the system's BLAS alternative is not changed.
OPENBLAS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/attune-bench/openblas"
if [ ! -e "$OPENBLAS_DIR/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3" ]; then
  mkdir -p "$OPENBLAS_DIR"
  ( cd "$OPENBLAS_DIR" && apt-get download libopenblas0-serial >/dev/null 2>&1 && dpkg -x libopenblas0-serial_*.deb . ) \
    || echo "(could not fetch libopenblas0-serial; skipping the OpenBLAS run)"
fi
if [ -e "$OPENBLAS_DIR/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3" ]; then
  echo; echo "== pytorch: the same job in PyTorch on OpenBLAS (serial, this process only) =="
  LD_LIBRARY_PATH="$OPENBLAS_DIR/usr/lib/x86_64-linux-gnu/openblas-serial${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$PY" bench/pytorch/digits_loop.py --rounds "$ROUNDS" --epochs "$EPOCHS"
fi
echo; echo "== leak: tensors and resident memory over a long RunFineTune =="
"${BENCH[@]}" leak --epochs "$LEAK_EPOCHS"
echo; echo "== lora: LoRA vs full fine-tuning, step time and measured optimizer state (docs/lora.md) =="
"${BENCH[@]}" lora --rounds "${LORA_ROUNDS:-11}"
