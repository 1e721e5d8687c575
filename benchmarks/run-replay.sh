#!/usr/bin/env bash
# Replay benchmark: events per second rebuilt into the query side's audit view from a PostgreSQL event store that
# holds at least EVENTS events (default 1,000,000).
#
# Usage: benchmarks/run-replay.sh [path/to/tally.jar]     (EVENTS=1000000 SEED_SECONDS=10 to change the sizes)
#   PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD as for psql; the user must be allowed to create
#   databases. Steps:
#   1. A fresh database. The load tool (run-client-credentials.sh) runs the standalone server on it for
#      SEED_SECONDS of client-credentials load: real tenants, APIs, clients, signing keys and AccessTokenIssued events.
#   2. The AccessTokenIssued events are copied in SQL, each copy with a fresh event id, until the store holds EVENTS
#      events. (The copies repeat payloads, so jtis repeat in the audit view; event ids and positions do not.)
#   3. The server starts on that store; the audit projection first catches up from the first event.
#   4. POST /admin/projections/audit/replay: the view is cleared and rebuilt from the first event, timed from the
#      request until the projection reports status "live" at the store's head. The audit table is counted after.
#   The database is dropped at the end (also on failure).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
jar=${1:-$root/standalone/target/tally.jar}
events=${EVENTS:-1000000}
seed_seconds=${SEED_SECONDS:-10}
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
db="bench_replay_$(date -u +%Y%m%d_%H%M%S)_$$"
work=$(mktemp -d -t tally-replay-XXXXXX)
server_pid=
pg() { psql -h "$host" -p "$port" -U "$user" -d "$1" -v ON_ERROR_STOP=1 -qAtXc "$2"; }
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    fi
    pg postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" && echo "[replay] dropped database $db" >&2
}
trap cleanup EXIT
if [[ ! -f "$jar" ]]; then
    echo "[replay] building the server" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
pg postgres "CREATE DATABASE $db"
echo "[replay] database $db on $host:$port, work directory $work" >&2
if [[ -n "${PGPASSWORD:-}" ]]; then
    export SPRING_DATASOURCE_PASSWORD=$PGPASSWORD
fi
datasource="--spring.datasource.url=jdbc:postgresql://$host:$port/$db --spring.datasource.username=$user"

echo "[replay] 1. seeding with ${seed_seconds} s of client-credentials load" >&2
"$root/benchmarks/run-client-credentials.sh" "$jar" --warmup=0 --duration="$seed_seconds" --concurrency=8 \
    --server-args="$datasource --tally.master-key-file=$work/master.key" > "$work/seed-report.md"

seeded=$(pg "$db" "SELECT count(*) FROM domain_event_entry")
issued=$(pg "$db" "SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%AccessTokenIssued'")
echo "[replay] 2. the store holds $seeded events ($issued AccessTokenIssued); copying up to $events" >&2
if (( issued == 0 )); then
    echo "[replay] no AccessTokenIssued events to copy" >&2; exit 1
fi
copies=$(( (events - seeded + issued - 1) / issued ))
if (( copies > 0 )); then
    pg "$db" "INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data,
                                             payload, payload_revision, payload_type, time_stamp)
              SELECT c.id, 0, NULL, c.id, c.meta_data, c.payload, c.payload_revision, c.payload_type, c.time_stamp
              FROM (SELECT gen_random_uuid()::text AS id, e.*
                    FROM domain_event_entry e CROSS JOIN generate_series(1, $copies)
                    WHERE e.payload_type LIKE '%AccessTokenIssued') c"
    pg "$db" "ANALYZE domain_event_entry"
fi
total=$(pg "$db" "SELECT count(*) FROM domain_event_entry")
echo "[replay]    the store now holds $total events" >&2

echo "[replay] 3. starting the server on that store" >&2
admin=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/data"
TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -jar "$jar" --server.port="$http_port" --server.address=127.0.0.1 \
    --tally.data-dir="$work/data" --tally.master-key-file="$work/master.key" $datasource > "$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$http_port"
started=$(date +%s.%N)
until curl -fs "$base/actuator/health" >/dev/null 2>&1; do
    kill -0 "$server_pid" 2>/dev/null || { tail -40 "$work/server.log" >&2; exit 1; }
    sleep 0.2
done
echo "[replay]    healthy after $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s" >&2
status() { curl -fs -H "Authorization: Bearer $admin" "$base/admin/projections/audit"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
wait_live() {
    while true; do
        s=$(status)
        if [[ $(field status <<<"$s") == live && $(field lag_events <<<"$s") == 0 ]]; then
            echo "$s"; return
        fi
        sleep 0.2
    done
}
wait_live > /dev/null
caught=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
echo "[replay]    audit projection caught up ${caught} s after the server process started" >&2

echo "[replay] 4. POST /admin/projections/audit/replay" >&2
t0=$(date +%s.%N)
curl -fs -X POST -H "Authorization: Bearer $admin" "$base/admin/projections/audit/replay" > /dev/null
final=$(wait_live)
t1=$(date +%s.%N)
head=$(field head <<<"$final")
rows=$(pg "$db" "SELECT count(*) FROM audit_event")
seconds=$(python3 -c "print(round($t1 - $t0, 2))")
rate=$(python3 -c "print(round($total / ($t1 - $t0)))")
rss=$(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$server_pid/status)
cat <<REPORT
## Tally audit replay

\`\`\`
date            $(date -u +%Y-%m-%dT%H:%M:%SZ)
host            $(uname -sr), $(nproc) CPUs (server and PostgreSQL $(pg postgres "SHOW server_version") on the same machine)
JDK             $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)
events          $total in the store (head position $head), $rows rows in the audit view after the replay
first catch-up  ${caught} s from server process start (includes start-up and the token service's own replay)
replay          ${seconds} s from POST /admin/projections/audit/replay to status live at the head
rate            ${rate} events/s
server RSS      $rss after the replay
\`\`\`
REPORT
