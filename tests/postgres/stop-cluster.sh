#!/usr/bin/env bash
# Stops the cluster tests/postgres/start-cluster.sh started in <folder>, and deletes the folder.
set -uo pipefail
dir=${1:?usage: stop-cluster.sh <folder printed by start-cluster.sh>}
[[ -f "$dir/env" ]] || { echo "stop-cluster: $dir holds no cluster" >&2; exit 1; }
# shellcheck disable=SC1091
source "$dir/env"
bash -c "$ATTUNE_PG_STOP" >/dev/null 2>&1 || true
rm -rf "$dir"
