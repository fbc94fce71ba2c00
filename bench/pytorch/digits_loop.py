#!/usr/bin/python3
"""The Attune fine-tune benchmark's job in PyTorch, for reference.

Same model (64-256-256-10, Linear-ReLU-Linear-ReLU-Linear, first Linear frozen), same data and split (digits, pixels/16,
row i to validation when i % 5 == 0), batch 32, AdamW lr 1e-3 weight_decay 0.01, one thread, seed 42, shuffling with a
separate generator (randperm + index_select per batch), loss.item() every step, backward, step, zero_grad (in place, as TorchSharp does), and after
every epoch a validation pass (eval, no_grad, batches of 32: loss + accuracy) and a copy of the best weights.
Prints µs per optimizer step (whole run / steps) for each round, as wall time and as the process's CPU time, then the
median and min over measured rounds.

PyTorch calls BLAS for the matrix products. Debian's python3-torch uses whatever libblas.so.3 the system's alternatives
select; with only libblas3 installed that is the unoptimised reference BLAS. The script prints which one was loaded.

Usage: /usr/bin/python3 bench/pytorch/digits_loop.py [--rounds 11] [--epochs 10] [--data samples/Digits/data/digits.csv.gz]
"""
import argparse
import gzip
import os
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 32
LR = 1e-3
WEIGHT_DECAY = 0.01
SEED = 42


def load(path):
    train_x, train_y, val_x, val_y = [], [], [], []
    with gzip.open(path, "rt") as f:
        row = 0
        for line in f:
            line = line.strip()
            if not line:
                continue
            fields = line.split(",")
            if len(fields) != 65:
                raise ValueError(f"{path}, row {row + 1}: expected 64 pixels and a label; found {len(fields)} fields")
            x, y = (val_x, val_y) if row % 5 == 0 else (train_x, train_y)
            x.append([float(v) / 16.0 for v in fields[:64]])
            y.append(int(fields[64]))
            row += 1
    return (torch.tensor(train_x, dtype=torch.float32), torch.tensor(train_y, dtype=torch.int64),
            torch.tensor(val_x, dtype=torch.float32), torch.tensor(val_y, dtype=torch.int64))


class DigitsMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.input = nn.Linear(64, 256)
        self.hidden = nn.Linear(256, 256)
        self.output = nn.Linear(256, 10)

    def forward(self, x):
        return self.output(F.relu(self.hidden(F.relu(self.input(x)))))


def validate(model, vx, vy):
    model.eval()
    n = vx.shape[0]
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, n, BATCH):
            x = vx.narrow(0, start, min(BATCH, n - start))
            y = vy.narrow(0, start, min(BATCH, n - start))
            out = model(x)
            loss_sum += F.cross_entropy(out, y).item() * x.shape[0]
            correct += out.argmax(1).eq(y).sum().item()
    return loss_sum / n, correct / n


def run(data, epochs):
    tx, ty, vx, vy = data
    torch.manual_seed(SEED)
    model = DigitsMlp()
    start_time = time.perf_counter()
    start_cpu = time.process_time()
    for p in model.input.parameters():
        p.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    shuffle = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.AdamW(trainable, lr=LR, weight_decay=WEIGHT_DECAY)
    with torch.no_grad():
        best = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best_metric, best_epoch, steps = float("nan"), 0, 0
    n = tx.shape[0]
    for epoch in range(1, epochs + 1):
        model.train()
        loss_sum = 0.0
        permutation = torch.randperm(n, generator=shuffle)
        for start in range(0, n, BATCH):
            length = min(BATCH, n - start)
            index = permutation.narrow(0, start, length)
            x = tx.index_select(0, index)
            y = ty.index_select(0, index)
            loss = F.cross_entropy(model(x), y)
            loss_value = loss.item()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=False)  # zero in place, as TorchSharp 0.107's optimizers do
            loss_sum += loss_value * length
            steps += 1
        _, accuracy = validate(model, vx, vy)
        if best_epoch == 0 or accuracy > best_metric:
            best_metric, best_epoch = accuracy, epoch
            with torch.no_grad():
                for k, v in model.state_dict().items():
                    best[k].copy_(v)
    with torch.no_grad():
        for k, v in model.state_dict().items():
            v.copy_(best[k])
    model.eval()
    elapsed = time.perf_counter() - start_time
    cpu = time.process_time() - start_cpu
    return steps, elapsed, cpu, best_metric, best_epoch


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
    return "?"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "samples", "Digits", "data", "digits.csv.gz"))
    args = parser.parse_args()

    torch.set_num_threads(1)
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("Machine")
    print(f"  CPU         {cpu}, {os.cpu_count()} logical cores; {platform.platform()}")
    print(f"  Python      {platform.python_version()}, PyTorch {torch.__version__} (Debian python3-torch), threads {torch.get_num_threads()}")
    print(f"  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')} OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')} (environment, left as found)")
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))  # loads BLAS
    print(f"  BLAS        {blas()}")
    print(f"  load        {' '.join(open('/proc/loadavg').read().split()[:3])} (1/5/15-minute load average at start)")
    print()

    data = load(args.data)
    steps_per_epoch = (data[0].shape[0] + BATCH - 1) // BATCH
    print("pytorch: digits MLP 64-256-256-10 (Linear-ReLU-Linear-ReLU-Linear), first Linear frozen,")
    print(f"  AdamW lr {LR:g} weight_decay {WEIGHT_DECAY:g}, batch {BATCH}, seed {SEED}, 1 thread;")
    print(f"  {data[0].shape[0]} training rows ({steps_per_epoch} steps/epoch), {data[2].shape[0]} validation rows; "
          f"{args.epochs} epochs = {steps_per_epoch * args.epochs} steps per run, each epoch followed by a validation pass;")
    print(f"  {args.rounds - 1} measured rounds + 1 warm-up.")
    print()
    print("  round      wall µs/step   cpu µs/step   best accuracy")
    walls, cpus = [], []
    for r in range(args.rounds):
        steps, elapsed, cpu, best_metric, best_epoch = run(data, args.epochs)
        wall_us, cpu_us = elapsed * 1e6 / steps, cpu * 1e6 / steps
        label = "warm-up" if r == 0 else str(r)
        print(f"  {label:<9}{wall_us:14.1f}{cpu_us:14.1f}   {best_metric:.2%} (epoch {best_epoch})")
        if r > 0:
            walls.append(wall_us)
            cpus.append(cpu_us)
    print()
    print("  PyTorch µs/step over measured rounds   wall median  wall min  cpu median  cpu min")
    name = "PyTorch, " + " ".join(blas().split()[:-1])
    print(f"  {name:<38}{statistics.median(walls):11.1f}{min(walls):10.1f}{statistics.median(cpus):12.1f}{min(cpus):9.1f}")
    print(f"  load average at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"RESULT pytorch blas={blas().split()[0]} wall_median_us={statistics.median(walls):.1f} wall_min_us={min(walls):.1f} "
          f"cpu_median_us={statistics.median(cpus):.1f} cpu_min_us={min(cpus):.1f}")


if __name__ == "__main__":
    main()
