#!/usr/bin/env bash
# Load against distributed mode: the command service and NODES token-service processes (default 1) on a fresh
# PostgreSQL database, each its own JVM on this machine, and (STREAM=1, the default) a one-node KRaft Kafka broker
# in a JVM of its own (dev.tally.bench.KafkaBroker, Kafka's jars from Maven): the command service relays the store
# to Kafka and every token node follows the stream, as in production. STREAM=0 runs without a broker: a token node
# then learns a tenant, API or client created after it started only by reading the store on an unknown id (users
# not at all, so the refresh scenario needs the stream).
#
# TOOL=load (default) runs the load tool (ClientCredentialsLoad; its options follow, e.g. --scenario=refresh
# --concurrency=16 --duration=30), which provisions through the command service and spreads its workers over the
# token nodes. TOOL=lag runs the stream lag probe (StreamLagProbe: configuration changes at the command service,
# timed until every token node decides with them; LAG_PROBES changes, default 200). TOOL=both starts the load and,
# LAG_DELAY seconds later (default 15), the probe while the load runs.
#
# COMMAND_JAVA_OPTS and TOKEN_JAVA_OPTS are added to the services' JVM options (e.g. a JFR recording).
#
# Usage: NODES=2 benchmarks/run-distributed.sh [tool options]
#   PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD as for psql; the database is dropped at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
nodes=${NODES:-1}
stream=${STREAM:-1}
tool=${TOOL:-load}
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
if [[ ! -f "${jars[0]}" || ! -f "${jars[1]}" || ! -f "$classes/dev/tally/bench/StreamLagProbe.class"
      || ! -f "$root/benchmarks/target/runtime-classpath.txt" ]]; then
    echo "[dist] building the services and the benchmark tool" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
pg "CREATE DATABASE $db"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
random() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
export TALLY_DB_URL="jdbc:postgresql://$host:$port/$db" TALLY_DB_USER=$user TALLY_DB_PASSWORD=${PGPASSWORD:-}
export TALLY_ADMIN_TOKEN=$(random 32) TALLY_SERVICE_TOKEN=$(random 40)
export TALLY_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
if [[ $stream == 1 ]]; then
    rm -f "$work/kafka.address"
    "$JAVA_HOME/bin/java" -Xmx512m -cp "$classes:$(cat "$root/benchmarks/target/runtime-classpath.txt")" \
        dev.tally.bench.KafkaBroker "$work/kafka.address" > "$work/kafka.log" 2>&1 &
    pids+=($!)
    for ((i = 0; i < 600; i++)); do
        [[ -f "$work/kafka.address" ]] && break
        kill -0 "${pids[-1]}" 2>/dev/null || { echo "[dist] the Kafka broker died; see $work/kafka.log" >&2; tail -30 "$work/kafka.log" >&2; exit 1; }
        sleep 0.1
    done
    [[ -f "$work/kafka.address" ]] || { echo "[dist] the Kafka broker did not start within 60 s" >&2; exit 1; }
    export TALLY_STREAM_ENABLED=true TALLY_STREAM_BOOTSTRAP_SERVERS=$(cat "$work/kafka.address") TALLY_STREAM_REPLICATION_FACTOR=1
    echo "[dist] Kafka broker at $TALLY_STREAM_BOOTSTRAP_SERVERS" >&2
fi
command_port=$(free_port)
SERVER_PORT=$command_port "$JAVA_HOME/bin/java" ${COMMAND_JAVA_OPTS:-} -jar "${jars[0]}" > "$work/command.log" 2>&1 &
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
        "$JAVA_HOME/bin/java" ${TOKEN_JAVA_OPTS:-} -jar "${jars[1]}" > "$work/token-$n.log" 2>&1 &
    pids+=($!)
    await "$p" "${pids[-1]}" "$work/token-$n.log"
    token_urls+=("http://127.0.0.1:$p")
done
echo "[dist] command service :$command_port, $nodes token node(s): ${token_urls[*]}" >&2
urls=$(IFS=,; echo "${token_urls[*]}")
admin_url="http://127.0.0.1:$command_port"
load() {
    "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$classes:$(cat "$root/benchmarks/target/runtime-classpath.txt")" \
        dev.tally.bench.ClientCredentialsLoad \
        --base-url="$urls" --admin-url="$admin_url" --admin-token="$TALLY_ADMIN_TOKEN" "$@"
}
lag() {
    "$JAVA_HOME/bin/java" -cp "$classes:$(cat "$root/benchmarks/target/runtime-classpath.txt")" \
        dev.tally.bench.StreamLagProbe --admin-url="$admin_url" --token-urls="$urls" \
        --admin-token="$TALLY_ADMIN_TOKEN" --probes="${LAG_PROBES:-200}"
}
# CPU seconds (user + system) of a process, and of the whole machine, from /proc: printed for the tool's run
cpu_of() { awk '{printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_cpu() { awk '/^cpu / {printf "%.2f", ($2 + $3 + $4 + $7 + $8) / '"$(getconf CLK_TCK)"'}' /proc/stat; }
declare -A cpu_before
for pid in "${pids[@]}"; do cpu_before[$pid]=$(cpu_of "$pid"); done
machine_before=$(machine_cpu)
run_started=$(date +%s.%N)
case $tool in
    load) load "$@" ;;
    lag) lag ;;
    both)
        load "$@" &
        load_pid=$!
        sleep "${LAG_DELAY:-15}"
        lag_status=0
        lag || lag_status=$?
        load_status=0
        wait "$load_pid" || load_status=$?
        (( lag_status == 0 && load_status == 0 )) || exit 1
        ;;
    *) echo "[dist] TOOL must be load, lag or both" >&2; exit 2 ;;
esac
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
elapsed=$(calc "$(date +%s.%N) - $run_started")
names=(); [[ $stream == 1 ]] && names+=(kafka); names+=(command); for ((n = 1; n <= nodes; n++)); do names+=("token-$n"); done
echo "[dist] CPU seconds during the tool's run ($elapsed s wall, warm-up and set-up included):" >&2
for i in "${!pids[@]}"; do
    pid=${pids[$i]}
    echo "[dist]   ${names[$i]} (pid $pid): $(calc "$(cpu_of "$pid") - ${cpu_before[$pid]}") s CPU," \
        "$(awk '/VmRSS/ {print $2/1024 " MiB RSS"}' /proc/$pid/status 2>/dev/null)" >&2
done
echo "[dist] CPU seconds since start by thread group (JIT compilers, GC, the rest):" >&2
for i in "${!pids[@]}"; do
    pid=${pids[$i]}
    for task in /proc/$pid/task/*; do
        # comm is field 2, in parentheses, and may contain spaces: take what follows the last ')'
        stat=$(cat "$task/stat" 2>/dev/null) || continue
        comm=$(cat "$task/comm" 2>/dev/null)
        rest=${stat##*) }
        set -- $rest
        echo "${12} ${13} $comm"
    done | awk -v name="${names[$i]}" -v tck="$(getconf CLK_TCK)" '
        { t = ($1 + $2) / tck; c = $0; sub(/^[0-9]+ [0-9]+ /, "", c)
          if (c ~ /^C[12] Compiler/) jit += t; else if (c ~ /^G1 |^GC /) gc += t; else other += t }
        END { printf "[dist]   %s: JIT %.1f s, GC %.1f s, other threads %.1f s\n", name, jit, gc, other }' >&2
done
echo "[dist]   whole machine: $(calc "$(machine_cpu) - $machine_before") s CPU of $(calc "$elapsed * $(nproc)") available" >&2
