#!/usr/bin/env bash
# Coordination benchmark (issue 4): 4 worker processes, objective sleeping 50 ms, 200 trials, on PostgreSQL (a
# throwaway loopback cluster) and SQLite, then Optuna's RDB storage the same way (Debian python3-optuna,
# python3-sqlalchemy, python3-psycopg2). Each configuration runs ROUNDS times (default 3) from a warm start (every
# worker has started, opened its storage and study, and waits at a barrier; all are released together) and from a cold
# start (all processes launched together; their start-up falls inside the window). Ends with a summary table.
# Results go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${TRIALS:-200}; S=${SLEEP_MS:-50}; W=${WORKERS:-4}; R=${ROUNDS:-3}
py=/usr/bin/python3
$py -c "import optuna, psycopg2, sqlalchemy" 2>/dev/null || { echo "needs Debian packages: apt-get install python3-optuna python3-psycopg2 python3-sqlalchemy" >&2; exit 1; }
dotnet build -c Release tests/Attune.SweepWorker -v q -nologo >/dev/null
worker=tests/Attune.SweepWorker/bin/Release/net10.0/Attune.SweepWorker.dll
pg_dir=$(bash tests/postgres/start-cluster.sh)
tmp=$(mktemp -d)
trap 'bash tests/postgres/stop-cluster.sh "$pg_dir"; rm -rf "$tmp"' EXIT
source "$pg_dir/env"
eval "$(sed -n 's/.*Port=\([0-9]*\);Username=\([^;]*\);Password=\([^;]*\);Database=\([^;]*\).*/port=\1 user=\2 pw=\3 db=\4/p' <<<"$ATTUNE_TEST_POSTGRES")"
# Attune and Optuna both name tables "studies" and "trials": give each a schema of its own.
$py -c "import psycopg2,sys; c=psycopg2.connect(host='127.0.0.1', port=sys.argv[1], user=sys.argv[2], password=sys.argv[3], dbname=sys.argv[4]); c.autocommit=True; c.cursor().execute('CREATE SCHEMA attune; CREATE SCHEMA optuna')" "$port" "$user" "$pw" "$db"
ATTUNE_PG="$ATTUNE_TEST_POSTGRES;Search Path=attune"
OPTUNA_PG="postgresql+psycopg2://$user:$pw@127.0.0.1:$port/$db?options=-csearch_path%3Doptuna"
export RESULTS="$tmp/results.tsv"
run=$((RANDOM))
# Optuna's schema is created once up front (its workers race on CREATE TABLE otherwise).
precreate() { $py -c "import optuna,sys; optuna.logging.set_verbosity(optuna.logging.WARNING); optuna.create_study(study_name=sys.argv[2], storage=sys.argv[1])" "$1" "$2"; }
for start in warm cold; do
  if [[ $start == warm ]]; then export BARRIER=1; else export BARRIER=0; fi
  echo "== $start start"
  for i in $(seq 1 "$R"); do
    id="$start-$i"
    precreate "$OPTUNA_PG" "o$run-$id"
    precreate "sqlite:///$tmp/optuna.db" "o$run-$id"
    $py bench/coordination/measure.py "Attune PostgreSQL #$i" "$T" "$S" "$W" -- dotnet "$worker" "$ATTUNE_PG" "b$run-$id" "$T" "$S"
    $py bench/coordination/measure.py "Attune SQLite #$i" "$T" "$S" "$W" -- dotnet "$worker" "$tmp/attune.db" "b$run-$id" "$T" "$S"
    $py bench/coordination/measure.py "Optuna RDB PostgreSQL #$i" "$T" "$S" "$W" -- $py bench/coordination/optuna_worker.py "$OPTUNA_PG" "o$run-$id" "$T" "$S"
    $py bench/coordination/measure.py "Optuna RDB SQLite #$i" "$T" "$S" "$W" -- $py bench/coordination/optuna_worker.py "sqlite:///$tmp/optuna.db" "o$run-$id" "$T" "$S"
  done
done
echo
echo "Summary: $W processes, $T trials, objective $S ms; efficiency = throughput / ideal over the whole window (first objective"
echo "start .. last objective end); steady = from each worker's first start to its last end; gap = between a worker's"
echo "objectives (median of runs); storage step = Attune's step timed inside the worker (for Optuna, the gap)."
$py - "$RESULTS" <<'PY'
import sys, collections, statistics
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, start, eff, steady, g50, g99, s50, s99 = line.rstrip("\n").split("\t")
    rows.setdefault((label, start), []).append((float(eff), float(steady), float(g50), float(g99), float(s50), float(s99)))
print(f"| {'storage':24s} | start | efficiency per round | steady per round | gap p50 | gap p99 | storage step p50 | p99 |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for (label, start), rs in rows.items():
    med = lambda k: statistics.median(r[k] for r in rs)
    print(f"| {label:24s} | {start} | {', '.join(f'{r[0]:.1f}%' for r in rs)} | {', '.join(f'{r[1]:.1f}%' for r in rs)} | "
          f"{med(2):.1f} ms | {med(3):.1f} ms | {med(4):.1f} ms | {med(5):.1f} ms |")
PY
