#!/usr/bin/env bash
# Fine-tuning the real all-MiniLM-L6-v2 encoder: Attune/TorchSharp and the PyTorch 1.13 peer, one run each, every number
# printed; see docs/benchmarks.md ("Fine-tuning a pretrained transformer (all-MiniLM-L6-v2)").
#   bench/run-transformer-benchmarks.sh     (from anywhere; installs Debian's peer packages when missing: root or sudo)
# Environment: THREADS (2), STEPS (5 measured steps per length), WARMUP (1), ROUNDS (4 = 3 measured + 1 warm-up, for the
# interleaved comparisons), LORA_ACCURACY_STEPS (0 = skip the accuracy-after-N-steps part), PARTS (C# parts, default all).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"; STEPS="${STEPS:-5}"; WARMUP="${WARMUP:-1}"; ROUNDS="${ROUNDS:-4}"
LORA_ACCURACY_STEPS="${LORA_ACCURACY_STEPS:-0}"; PARTS="${PARTS:-all}"
# Debian's PyTorch lives in the system interpreter, not in a pyenv/venv python3 that may come first on PATH.
PY=/usr/bin/python3
ONNX="${XDG_CACHE_HOME:-$HOME/.cache}/attune-bench/minilm/model.onnx"

need=()
"$PY" -c 'import torch' 2>/dev/null || need+=(python3-torch)
"$PY" -c 'import onnx' 2>/dev/null || need+=(python3-onnx)
"$PY" -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
# Without OpenBLAS, python3-torch takes the reference libblas.so.3 (about 10x slower on these shapes).
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ "${#need[@]}" -gt 0 ]; then
  echo "== installing ${need[*]} (Debian) =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# libtorch's OpenMP threads spin at their barriers when another process holds a core (process CPU time ~ wall time,
# steps 2-4x slower): on a busy machine the figures are the load's. Say so up front; THREADS=1 is the fallback.
load1="$(cut -d' ' -f1 /proc/loadavg)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
if awk -v l="$load1" 'BEGIN { exit !(l > 2.5) }'; then
  echo "WARNING: load average $load1 > 2.5: timings will be the load's; rerun on a quiet machine (or THREADS=1) before quoting them"
fi

echo "== build (Release) =="
dotnet build -c Release bench/Attune.Bench -nologo -v q
BENCH=(dotnet bench/Attune.Bench/bin/Release/net10.0/Attune.Bench.dll)
[ -s "$ONNX" ] || "${BENCH[@]}" encoder export-onnx "$ONNX"

echo; echo "== interop: PyTorch reads the Hugging Face folder Attune saves =="
FOLDER="$(mktemp -d)/minilm-attune"
"${BENCH[@]}" encoder save-folder "$FOLDER"
"$PY" bench/pytorch/minilm_finetune.py --onnx "$ONNX" --check-folder "$FOLDER"

echo; echo "== PyTorch 1.13 peer: matmul peak, train step and forward on fixed shapes, peak RSS =="
"$PY" bench/pytorch/minilm_finetune.py --onnx "$ONNX" --threads "$THREADS" --steps "$STEPS" --warmup "$WARMUP"
echo; echo "== Attune / TorchSharp (Attune.Transformers BertModel + TextClassificationData): the same, then padding (max / dynamic / grouped) and LoRA (the trainer and evaluation vs hand-written loops: Attune.Bench overhead) =="
"${BENCH[@]}" encoder "$PARTS" --threads "$THREADS" --steps "$STEPS" --warmup "$WARMUP" --rounds "$ROUNDS" \
  --accuracy-steps "$LORA_ACCURACY_STEPS"
echo; echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
