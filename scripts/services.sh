#!/usr/bin/env bash
# Starts (up) or stops (down) the servers that tests and benchmarks use, on loopback only:
#   PostgreSQL on 127.0.0.1:55432, role and database "micron", password "micron"
#   (MICRON_POSTGRES defaults to that connection string).
# Idempotent and fast when the servers are already up. Installs the Debian package when it is missing
# and this runs as root. State lives in $MICRON_SERVICES_DIR (default /tmp/micron-services).
set -euo pipefail

command=${1:-up}
state=${MICRON_SERVICES_DIR:-/tmp/micron-services}
pg_port=${MICRON_POSTGRES_PORT:-55432}
pg_data=$state/postgres

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  if [ -n "$(pg_bin)" ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null; then
    echo "services.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
  fi
  echo "services.sh: installing postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql > /dev/null 2>&1 \
    || { apt-get update -q > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql > /dev/null; }
}

postgres_up() {
  install_postgres
  local bin
  bin=$(pg_bin)
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
    return 0
  fi
  mkdir -p "$state"
  chmod 755 "$state"
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    mkdir -p "$pg_data"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pg_data"
    local pwfile
    pwfile=$(mktemp)
    echo micron > "$pwfile"
    chmod 644 "$pwfile"
    as_pg "$bin/initdb" -D "$pg_data" -U micron --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust \
      -E UTF8 --locale=C.UTF-8 > "$state/postgres-initdb.log"
    rm -f "$pwfile"
  fi
  as_pg "$bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c max_connections=200" start > /dev/null
  if ! as_pg "$bin/psql" -h "$pg_data" -p "$pg_port" -U micron -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'micron'" | grep -q 1; then
    as_pg "$bin/createdb" -h "$pg_data" -p "$pg_port" -U micron micron
  fi
  echo "services.sh: PostgreSQL up on 127.0.0.1:$pg_port"
}

postgres_down() {
  local bin
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$pg_data" -m fast -w stop > /dev/null || true
  fi
}

case "$command" in
  up) postgres_up ;;
  down) postgres_down ;;
  *) echo "usage: scripts/services.sh up|down" >&2; exit 2 ;;
esac
