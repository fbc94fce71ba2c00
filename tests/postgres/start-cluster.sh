#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: initdb in a fresh temporary folder, bound to 127.0.0.1 on a free
# port, password authentication (scram-sha-256) with a random password. Installs PostgreSQL from Debian packages when
# no initdb is found (needs root). Prints the folder; the folder's "env" file holds the variables the tests read:
#   ATTUNE_TEST_POSTGRES          the connection string ("Host=127.0.0.1;Port=...;Username=...;Password=...;Database=...")
#   ATTUNE_TEST_POSTGRES_RESTART  a shell command that restarts the server (the server-restart test uses it)
# Stop and delete it with tests/postgres/stop-cluster.sh <folder>.
set -euo pipefail

find_bin() {
  local found
  found=$(command -v initdb 2>/dev/null || true)
  if [[ -z "$found" ]]; then
    found=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [[ -n "$found" ]] && dirname "$(readlink -f "$found")"
}

bin=$(find_bin || true)
if [[ -z "$bin" ]]; then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "start-cluster: PostgreSQL (initdb) is not installed and cannot be installed here (needs root and apt-get)." >&2
    exit 1
  fi
  echo "start-cluster: installing PostgreSQL from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(find_bin || true)
  [[ -n "$bin" ]] || { echo "start-cluster: postgresql installed but no initdb found" >&2; exit 1; }
fi

# initdb refuses to run as root: run the cluster as the postgres user (created by the package), or a throwaway user.
run_as=()
owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  owner=postgres
  if ! id "$owner" >/dev/null 2>&1; then
    owner=attune-pg-test
    id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
  run_as=(runuser -u "$owner" --)
fi

dir=$(mktemp -d /tmp/attune-pg.XXXXXX)
chmod 755 "$dir"
password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pw"
chown -R "$owner" "$dir"
chmod 600 "$dir/pw"

# A free port on loopback: a random one below Linux's ephemeral range (32768-60999, where the local ends of outgoing
# connections live and a port nobody answers on may still be bound), that nobody answers on; if the server still cannot
# bind it, the next one.
pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U attune --auth=scram-sha-256 --pwfile="$dir/pw" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pw"
started=""
for attempt in 1 2 3 4 5; do
  port=$(pick_port) || { echo "start-cluster: no free port found" >&2; exit 1; }
  opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=200"
  if "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null; then started=1; break; fi
  if ! grep -q "Address already in use" "$dir/server.log"; then break; fi
  echo "start-cluster: port $port is taken (attempt $attempt); trying another" >&2
  : >"$dir/server.log"
done
[[ -n "$started" ]] || { cat "$dir/server.log" >&2; exit 1; }

restart="${run_as[*]} $bin/pg_ctl -D $dir/data -o '$opts' -l $dir/server.log -w -t 60 -m fast restart"
{
  printf 'export ATTUNE_TEST_POSTGRES=%q\n' "Host=127.0.0.1;Port=$port;Username=attune;Password=$password;Database=postgres"
  printf 'export ATTUNE_TEST_POSTGRES_RESTART=%q\n' "$restart"
  printf 'ATTUNE_PG_STOP=%q\n' "${run_as[*]} $bin/pg_ctl -D $dir/data -w -t 60 -m immediate stop"
} >"$dir/env"
chmod 600 "$dir/env"
echo "$dir"
