#!/usr/bin/env bash
# The large-store benchmark (issue 17) on a store built by build-store.sh: start-up, memory, the audit page, time
# travel and the replay of each query view.
#
# Usage: benchmarks/run-large-store.sh DIR [path/to/tally.jar]
#        (LOAD_SECONDS=20, REQUESTS=500, REPLAY=audit,sessions,revocations: the views to replay, or none;
#         REPLAY_SECONDS=N: measure each replay over its first N s instead of to the head, for a store too large to
#         replay in a sitting (a replay still running then goes on while the next is measured: list it last);
#         UP_ONLY=1: only step 1, with the RSS at health UP and each view's position then, and stop;
#         IDLE_ONLY=N: only steps 1 and 2, then the RSS idle 5 s after the views are live and again N s after, and stop
#         (memory at rest with this store, to compare with another store's the same way);
#         TALLY_JAVA_OPTS replaces the shipped JVM settings, as for bin/tally-standalone)
#   1. The standalone server starts on the store (DIR/store.env): seconds from process start to health UP.
#   2. Waits until every view (GET /admin/projections) is live at the store's head: seconds from process start, and
#      when each view reached the head (on a store whose views were never built, that is each view's first build).
#   3. Idle RSS (VmRSS), then LOAD_SECONDS of client_credentials load (ClientCredentialsLoad with --base-url, on the
#      built tenants: it adds one machine client to each of them), then VmRSS and VmHWM (peak) of the server.
#   4. LargeStoreProbe: REQUESTS audit pages per filter (a user, a family, an event type, an hour, an hour a day
#      earlier, a type in an hour) and as many time-travel reads, one at a time (p50/p99); then the replay of each
#      query view (events/s).
# The report goes to standard output; the server's log to DIR/run-server.log. The store is left as it was, apart from
# the clients the load adds and the views rebuilt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
dir=$(cd "${1:?usage: run-large-store.sh DIR [tally.jar]}" && pwd)
jar=${2:-$root/standalone/target/tally.jar}
load_seconds=${LOAD_SECONDS:-20}
requests=${REQUESTS:-500}
replay=${REPLAY:-audit,sessions,revocations}
# shellcheck disable=SC1091
source "$dir/store.env"
read -r -a server_args <<< "$SERVER_ARGS"
# the settings bin/tally-standalone ships, so the RSS measured is the shipped server's
# shellcheck source=shipped-jvm.sh
source "$root/benchmarks/shipped-jvm.sh"
read -r -a jvm_opts <<< "${TALLY_JAVA_OPTS:-$shipped_jvm_opts}"
if [[ $STORE == postgres && -n "${PGPASSWORD:-}" ]]; then export SPRING_DATASOURCE_PASSWORD=$PGPASSWORD; fi
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/runtime-classpath.txt")"
admin=$(cat "$dir/admin.token")
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$http_port"
elapsed() { python3 -c "print(round($(date +%s.%N) - $1, 1))"; }
rss() { awk -v k="$1:" '$1 == k {printf "%.0f", $2/1024}' "/proc/$server_pid/status"; }

started=$(date +%s.%N)
TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" "${jvm_opts[@]}" -jar "$jar" --server.port="$http_port" --server.address=127.0.0.1 \
    --tally.data-dir="$dir/data" --tally.master-key-file="$dir/master.key" ${server_args[@]+"${server_args[@]}"} \
    > "$dir/run-server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true' EXIT
until curl -fs "$base/actuator/health" >/dev/null 2>&1; do
    kill -0 "$server_pid" 2>/dev/null || { tail -40 "$dir/run-server.log" >&2; exit 1; }
    sleep 0.2
done
up=$(elapsed "$started")
echo "[large] health UP after $up s; waiting for the views" >&2
if [[ -n "${UP_ONLY:-}" ]]; then
    echo "start-up $up s from process start to health UP ($STORE, $(grep -m1 '^appended' "$dir/build.txt")); RSS then $(rss VmRSS) MiB"
    curl -fs -H "Authorization: Bearer $admin" "$base/admin/projections"
    echo
    exit 0
fi
probe() { TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -cp "$cp" dev.tally.bench.LargeStoreProbe --base-url="$base" \
    --tenants="$TENANTS" --requests="$requests" "$@"; }
catchup=$(probe --steps=wait)
echo "$catchup" >&2
live=$(elapsed "$started")
sleep 5
idle=$(rss VmRSS)
if [[ -n "${IDLE_ONLY:-}" ]]; then
    sleep "$IDLE_ONLY"
    echo "start-up $up s to health UP, views live after $live s ($STORE, $(grep -m1 '^appended' "$dir/build.txt"));" \
        "RSS idle $idle MiB 5 s after, $(rss VmRSS) MiB $IDLE_ONLY s later (VmHWM $(rss VmHWM) MiB)"
    exit 0
fi
echo "[large] views live after $live s; idle RSS $idle MiB; $load_seconds s of client_credentials load" >&2
TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -cp "$cp" dev.tally.bench.ClientCredentialsLoad --base-url="$base" \
    --tenants="$TENANTS" --concurrency=8 --warmup=2 --duration="$load_seconds" > "$dir/run-load.md" 2> "$dir/run-load.log"
loaded=$(rss VmRSS)
peak=$(rss VmHWM)
throughput=$(grep -m1 '^throughput' "$dir/run-load.md" | sed 's/^throughput: *//')
cat <<REPORT
## Large store: $STORE, $(grep -m1 '^appended' "$dir/build.txt")

\`\`\`
date             $(date -u +%Y-%m-%dT%H:%M:%SZ)
host             $(uname -sr), $(nproc) CPUs shared with other users' builds; the server, the tools and the database on it
JDK              $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); ${jvm_opts[*]}
store            $STORE, $(head -1 "$dir/build.txt")
start-up         $up s from process start to health UP
views live       $live s from process start until every view is live at the head
RSS idle         $idle MiB (views live, 5 s after)
RSS under load   $loaded MiB after ${load_seconds} s of client_credentials load at concurrency 8 ($throughput); peak (VmHWM) $peak MiB
\`\`\`

Views reaching the head (seconds from health UP):

\`\`\`
$catchup
\`\`\`

REPORT
if [[ $replay == none ]]; then
    probe --steps=queries
else
    probe --steps=queries,replay --replay="$replay" --replay-seconds="${REPLAY_SECONDS:-0}"
fi
