#!/usr/bin/env bash
# Coordination benchmark (issue 4): 4 worker processes, objective sleeping 50 ms, 200 trials, on PostgreSQL (a
# throwaway loopback cluster) and SQLite, then Optuna's RDB storage the same way (Debian python3-optuna,
# python3-sqlalchemy, python3-psycopg2). Results go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${TRIALS:-200}; S=${SLEEP_MS:-50}; W=${WORKERS:-4}
dotnet build -c Release tests/Attune.SweepWorker -v q -nologo >/dev/null
worker=tests/Attune.SweepWorker/bin/Release/net10.0/Attune.SweepWorker.dll
pg_dir=$(bash tests/postgres/start-cluster.sh)
trap 'bash tests/postgres/stop-cluster.sh "$pg_dir"; rm -rf "$tmp"' EXIT
source "$pg_dir/env"
tmp=$(mktemp -d)
eval "$(sed -n 's/.*Port=\([0-9]*\);Username=\([^;]*\);Password=\([^;]*\);Database=\([^;]*\).*/port=\1 user=\2 pw=\3 db=\4/p' <<<"$ATTUNE_TEST_POSTGRES")"
py=/usr/bin/python3
# Attune and Optuna both name tables "studies" and "trials": give each a schema of its own.
$py -c "import psycopg2,sys; c=psycopg2.connect(host='127.0.0.1', port=sys.argv[1], user=sys.argv[2], password=sys.argv[3], dbname=sys.argv[4]); c.autocommit=True; c.cursor().execute('CREATE SCHEMA attune; CREATE SCHEMA optuna')" "$port" "$user" "$pw" "$db"
ATTUNE_PG="$ATTUNE_TEST_POSTGRES;Search Path=attune"
OPTUNA_PG="postgresql+psycopg2://$user:$pw@127.0.0.1:$port/$db?options=-csearch_path%3Doptuna"
run=$((RANDOM))
# Optuna's schema is created once up front (its workers race on CREATE TABLE otherwise).
precreate() { $py -c "import optuna,sys; optuna.logging.set_verbosity(optuna.logging.WARNING); optuna.create_study(study_name=sys.argv[2], storage=sys.argv[1])" "$1" "$2"; }
for i in 1 2 3; do
  precreate "$OPTUNA_PG" "o$run-$i"
  precreate "sqlite:///$tmp/optuna.db" "o$run-$i"
  $py bench/coordination/measure.py "Attune PostgreSQL #$i" "$T" "$S" "$W" -- dotnet "$worker" "$ATTUNE_PG" "b$run-$i" "$T" "$S"
  $py bench/coordination/measure.py "Attune SQLite #$i" "$T" "$S" "$W" -- dotnet "$worker" "$tmp/attune.db" "b$run-$i" "$T" "$S"
  $py bench/coordination/measure.py "Optuna RDB PostgreSQL #$i" "$T" "$S" "$W" -- $py bench/coordination/optuna_worker.py "$OPTUNA_PG" "o$run-$i" "$T" "$S"
  $py bench/coordination/measure.py "Optuna RDB SQLite #$i" "$T" "$S" "$W" -- $py bench/coordination/optuna_worker.py "sqlite:///$tmp/optuna.db" "o$run-$i" "$T" "$S"
done
