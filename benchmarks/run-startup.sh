#!/usr/bin/env bash
# Start-up to health UP and idle RSS of the standalone server on an existing data directory (BENCHMARKS.md,
# "Start-up from a checkpoint of the token views").
#
#   benchmarks/run-startup.sh <tally.jar> <data-dir> [--wait-audit] [more server arguments]
#
# Prints one line: seconds from process start to health UP, VmRSS (MiB) right after UP and after 30 s idle. Then stops
# the server with SIGTERM (an orderly shutdown, which writes a checkpoint of the token views in builds that have them)
# and waits for it to exit. --wait-audit first waits until the audit view is live at the store's head (so that a store
# built by StartupStoreBuilder is fully projected before it is measured).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
jar=$1; data=$2; shift 2
wait_audit=false
if [[ ${1:-} == --wait-audit ]]; then wait_audit=true; shift; fi
admin=startup-bench-admin-token
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
log="$data.server.log"
started=$(date +%s.%N)
TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    --tally.data-dir="$data" "$@" > "$log" 2>&1 &
pid=$!
until curl -fs "$base/actuator/health" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail -40 "$log" >&2; exit 1; }
    sleep 0.1
done
up=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status"; }
rss_up=$(rss)
if $wait_audit; then
    until curl -fs -H "Authorization: Bearer $admin" "$base/admin/projections/audit" \
            | python3 -c "import json,sys; s=json.load(sys.stdin); sys.exit(0 if s['status']=='live' and s['lag_events']==0 else 1)"; do
        sleep 5
    done
fi
sleep 30
rss_idle=$(rss)
echo "up_s=$up rss_up_mib=$rss_up rss_idle_mib=$rss_idle $(grep -o 'token service replayed [0-9]* events in [0-9]* ms' "$log" | head -1) $(grep -o 'start from checkpoint [0-9]* at store index [0-9]*' "$log" | head -1)"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
