#!/usr/bin/env python3
# Coordination efficiency: W worker processes share one study of T trials whose objective sleeps S ms.
# Throughput = completed trials / (first objective start .. last objective end); ideal = W / S.
# Gap between trials = in each worker, the time between an objective's end and its next start: what coordination costs
# on the critical path (store the result, read what others did, sample, create the next trial).
# Storage step = the same work timed inside Attune (ATTUNE_SWEEP_PROFILE=1, set here for every worker): equal to the gap
# when a worker creates its next trial after each one, but off the critical path when it creates it ahead
# (SweepOptions.CreateAhead). Optuna does the step between trials (and writes each suggested parameter from inside
# the objective), so for it the gap is the storage latency.
# Also printed, without changing the figures above: the start skew and tail as shares of the workers' capacity, and
# with ATTUNE_BENCH_VERBOSE=1 the Attune workers' per-phase profile (docs/benchmark-logs/2026-11-24-coordination.md, the breakdown).
# Usage: measure.py <label> <T> <S> <W> -- <worker command, {storage} {study} {trials} {sleep} substituted>
import subprocess, sys, statistics, os

label, T, S, W = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cmd = sys.argv[sys.argv.index("--") + 1:]
env = dict(os.environ, ATTUNE_WORKER_TIMINGS="1", ATTUNE_SWEEP_PROFILE="1")
# BARRIER=1: warm start. Each worker opens its storage and study, prints "ready" and waits; all are released together,
# so process start-up (runtime, imports, JIT, first connection) falls outside the window for both tools.
barrier = os.environ.get("BARRIER") == "1"
if barrier: env["ATTUNE_WORKER_BARRIER"] = "1"
procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE if barrier else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(W)]
early = [[] for _ in procs]
if barrier:
    for i, p in enumerate(procs):
        while True:
            line = p.stdout.readline()
            if not line: sys.exit(f"{label}: a worker ended before it was ready: {p.stderr.read()[-2000:]}")
            if line.strip() == "ready": break
            early[i].append(line)
    for p in procs: p.stdin.write("go\n")
    for p in procs: p.stdin.flush()
outs = [p.communicate() for p in procs]
outs = [("".join(e) + o, err) for e, (o, err) in zip(early, outs)]
for p, (o, e) in zip(procs, outs):
    if p.returncode != 0:
        sys.exit(f"{label}: a worker exited {p.returncode}: {e[-2000:]}")
begins, ends, gaps, runs = [], [], [], []
firsts, lasts = [], []   # per worker: its first objective start and its last objective end
for o, _ in outs:
    last_end = None
    mine_b, mine_e = [], []
    for line in o.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "t":
            t = int(parts[2])
            if parts[1] == "begin":
                begins.append(t); mine_b.append(t)
                if last_end is not None: gaps.append((t - last_end) / 1000)
            else:
                if mine_b: runs.append((t - mine_b[-1]) / 1000)
                ends.append(t); mine_e.append(t); last_end = t
    if mine_b: firsts.append(min(mine_b))
    if mine_e: lasts.append(max(mine_e))
done = len(ends)
wall = (max(ends) - min(begins)) / 1e6
tput = done / wall
ideal = W / (S / 1000)
def pct(xs):
    return statistics.quantiles(xs, n=100) if len(xs) > 2 else [float("nan")] * 99
q = pct(gaps)
print(f"{label:28s} trials run {done:4d}  wall {wall:6.2f} s  throughput {tput:6.1f}/s  ideal {ideal:5.1f}/s  "
      f"efficiency {100 * tput / ideal:5.1f}%  gap between trials p50 {q[49]:6.1f} ms  p99 {q[98]:6.1f} ms")
steps, ahead = [], 0
for _, e in outs:
    # Only the last report: a warm-up sweep in the same process reports its own first.
    lines = e.splitlines()
    heads = [k for k, line in enumerate(lines) if line.startswith("profile ") and "process age at report" in line]
    for line in lines[heads[-1] if heads else 0:]:
        if line.startswith("profile-samples step:"):
            name, values = line[len("profile-samples "):].split("|", 1)
            xs = [float(v) for v in values.split(",") if v]
            steps += xs
            if "(ahead)" in name: ahead += len(xs)
if steps:
    sq = pct(steps)
    print(f"{'':28s} storage step p50 {sq[49]:6.1f} ms  p99 {sq[98]:6.1f} ms  ({len(steps)} steps, {ahead} of them while a trial ran)")
else:
    print(f"{'':28s} storage step = the gap between trials (done between trials)")
# Where the rest of the window went (the efficiency above is unchanged by this): the start skew (worker capacity lost
# before each worker's first objective: process start, runtime start-up, connection, first trial) and the tail (after
# each worker's last objective, while others still ran), as shares of W x wall; then the efficiency of the capacity
# that remained, which is what the per-trial gaps (storage latency) cost.
skew = sum(f - min(begins) for f in firsts) / 1e6
tail = sum(max(ends) - l for l in lasts) / 1e6 + (W - len(firsts)) * wall
cap = W * wall
steady = 100 * done * (S / 1000) / (cap - skew - tail) if cap > skew + tail else float("nan")
print(f"{'':28s} start skew {(max(firsts) - min(firsts)) / 1000:6.0f} ms max, {100 * skew / cap:4.1f}% of capacity  "
      f"tail {100 * tail / cap:4.1f}%  efficiency between each worker's first start and last end {steady:5.1f}%")
print(f"{'':28s} objective (sleep {S} ms) took {statistics.mean(runs):6.2f} ms on average, gap between trials {statistics.mean(gaps) if gaps else float('nan'):5.2f} ms on average")
# RESULTS=<file>: one tab-separated line per run for run.sh's summary table.
if os.environ.get("RESULTS"):
    sq = pct(steps) if steps else q
    with open(os.environ["RESULTS"], "a") as f:
        f.write("\t".join([label.rsplit(" #", 1)[0], "warm" if barrier else "cold", f"{100 * tput / ideal:.1f}", f"{steady:.1f}",
                           f"{q[49]:.1f}", f"{q[98]:.1f}", f"{sq[49]:.1f}", f"{sq[98]:.1f}"]) + "\n")
if os.environ.get("ATTUNE_BENCH_VERBOSE") == "1":
    for i, (_, e) in enumerate(outs):
        for line in e.splitlines():
            if line.startswith("profile "): print(f"  worker {i}: {line}")
