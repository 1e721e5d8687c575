#!/usr/bin/env bash
# Runs the load tool (run-client-credentials.sh) with the standalone jar on a fresh PostgreSQL database instead of H2:
# creates the database, passes it to the server with --server-args, and drops it afterwards (also on failure).
#
# Usage: benchmarks/run-on-postgres.sh [path/to/tally.jar] [tool options, e.g. --scenario=refresh --concurrency=16]
#   TOOL=depth runs the rotation depth probe instead of the load tool (see run-rotation-depth.sh).
#   PGHOST (default 127.0.0.1), PGPORT (5432), PGUSER (postgres) and PGPASSWORD as for psql; the user must be
#   allowed to create databases. The password reaches the server through its environment, not its command line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
db="bench_$(date -u +%Y%m%d_%H%M%S)_$$"
pg() { psql -h "$host" -p "$port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qXc "$1"; }
pg "CREATE DATABASE $db"
echo "[bench] created PostgreSQL database $db on $host:$port" >&2
trap 'pg "DROP DATABASE IF EXISTS $db WITH (FORCE)" && echo "[bench] dropped database $db" >&2' EXIT
if [[ -n "${PGPASSWORD:-}" ]]; then
    export SPRING_DATASOURCE_PASSWORD=$PGPASSWORD
fi
"$root/benchmarks/run-client-credentials.sh" "$@" \
    --server-args="--spring.datasource.url=jdbc:postgresql://$host:$port/$db --spring.datasource.username=$user"
