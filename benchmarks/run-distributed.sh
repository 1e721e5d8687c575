#!/usr/bin/env bash
# Client-credentials load against distributed mode: the command service and NODES token-service processes (default
# 1) on a fresh PostgreSQL database, each its own JVM on this machine; the load tool provisions through the command
# service and spreads its workers over the token nodes. No Kafka: a token node learns the tenant, API and client
# the tool creates after it started by reading them from the store (its catch-up on an unknown client or API).
#
# Usage: NODES=2 benchmarks/run-distributed.sh [tool options, e.g. --concurrency=16 --duration=30]
#   PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD as for psql; the database is dropped at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
nodes=${NODES:-1}
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
db="bench_dist_$(date -u +%Y%m%d_%H%M%S)_$$"
work=$(mktemp -d -t tally-dist-XXXXXX)
pids=()
pg() { psql -h "$host" -p "$port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qAtXc "$1"; }
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pg "DROP DATABASE IF EXISTS $db WITH (FORCE)" && echo "[dist] dropped database $db" >&2
}
trap cleanup EXIT
jars=("$root/command-service/target/tally-command-service.jar" "$root/token-service/target/tally-token-service.jar")
classes=$root/benchmarks/target/classes
if [[ ! -f "${jars[0]}" || ! -f "${jars[1]}" || ! -f "$classes/dev/tally/bench/ClientCredentialsLoad.class" ]]; then
    echo "[dist] building the services and the benchmark tool" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
pg "CREATE DATABASE $db"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
random() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
export TALLY_DB_URL="jdbc:postgresql://$host:$port/$db" TALLY_DB_USER=$user TALLY_DB_PASSWORD=${PGPASSWORD:-}
export TALLY_ADMIN_TOKEN=$(random 32) TALLY_SERVICE_TOKEN=$(random 40)
export TALLY_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
command_port=$(free_port)
SERVER_PORT=$command_port "$JAVA_HOME/bin/java" -jar "${jars[0]}" > "$work/command.log" 2>&1 &
pids+=($!)
await() {
    until curl -fs "http://127.0.0.1:$1/actuator/health" > /dev/null 2>&1; do
        kill -0 "$2" 2>/dev/null || { echo "[dist] process $2 died; see $work" >&2; tail -30 "$3" >&2; exit 1; }
        sleep 0.3
    done
}
await "$command_port" "${pids[0]}" "$work/command.log"
token_urls=()
for ((n = 1; n <= nodes; n++)); do
    p=$(free_port)
    SERVER_PORT=$p TALLY_COMMAND_SERVICE_URL="http://127.0.0.1:$command_port" TALLY_BASE_URL="http://tally.bench" \
        "$JAVA_HOME/bin/java" -jar "${jars[1]}" > "$work/token-$n.log" 2>&1 &
    pids+=($!)
    await "$p" "${pids[-1]}" "$work/token-$n.log"
    token_urls+=("http://127.0.0.1:$p")
done
echo "[dist] command service :$command_port, $nodes token node(s): ${token_urls[*]}" >&2
urls=$(IFS=,; echo "${token_urls[*]}")
"$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$classes" dev.tally.bench.ClientCredentialsLoad \
    --base-url="$urls" --admin-url="http://127.0.0.1:$command_port" --admin-token="$TALLY_ADMIN_TOKEN" "$@"
for pid in "${pids[@]}"; do
    echo "[dist] pid $pid: $(awk '/VmRSS/ {print $2/1024 " MiB RSS"}' /proc/$pid/status 2>/dev/null)" >&2
done
