#!/usr/bin/env bash
# Where a Tally server's CPU goes per request, by thread, once its JIT has settled: starts the jar with the JVM
# settings bin/tally-standalone ships (fresh data directory, H2 unless --server-args say otherwise), runs the load
# tool against it with a long warm-up, reads every thread's CPU time from /proc at the start and the end of the
# measured window, and prints microseconds of server CPU per answered request, by thread name (digits folded, so
# "http-nio-#-exec-#" is all request threads). Then the load tool's own report.
#
# Usage: benchmarks/run-thread-cpu.sh [path/to/tally.jar] [--scenario=client_credentials] [--warmup=100]
#                                     [--duration=30] [--concurrency=16] [--server-args="..."]
#   TALLY_JAVA_OPTS replaces the shipped JVM settings, as for bin/tally-standalone.
#   Linux only (/proc/<pid>/task/*/stat); the window is the load tool's, give or take the second it takes to start.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
jar=$root/standalone/target/tally.jar
if [[ $# -gt 0 && "$1" != --* ]]; then
    jar=$1
    shift
fi
scenario=client_credentials warmup=100 duration=30 concurrency=16 server_args=()
for arg in "$@"; do
    case $arg in
        --scenario=*) scenario=${arg#*=} ;;
        --warmup=*) warmup=${arg#*=} ;;
        --duration=*) duration=${arg#*=} ;;
        --concurrency=*) concurrency=${arg#*=} ;;
        --server-args=*) read -r -a server_args <<< "${arg#*=}" ;;
        *) echo "usage: $0 [tally.jar] [--scenario=...] [--warmup=100] [--duration=30] [--concurrency=16]" \
            "[--server-args=...]" >&2; exit 2 ;;
    esac
done
(( duration >= 5 )) || { echo "[cpu] --duration must be at least 5 s" >&2; exit 2; }
cp_file=$root/benchmarks/target/runtime-classpath.txt
if [[ ! -f "$jar" || ! -f "$cp_file" ]]; then
    (cd "$root" && mvn -q -B -DskipTests package)
fi
# shellcheck source=shipped-jvm.sh
source "$root/benchmarks/shipped-jvm.sh"
read -r -a jvm_opts <<< "${TALLY_JAVA_OPTS:-$shipped_jvm_opts}"
work=$(mktemp -d -t tally-thread-cpu-XXXXXX)
port=$((20000 + RANDOM % 20000))
token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
TALLY_ADMIN_TOKEN=$token "$JAVA_HOME/bin/java" "${jvm_opts[@]}" -jar "$jar" --server.port="$port" \
    --server.address=127.0.0.1 --tally.data-dir="$work/data" ${server_args[@]+"${server_args[@]}"} \
    > "$work/server.log" 2>&1 &
server=$!
# the data directory goes with the server: a run's H2 file reaches gigabytes (what the load writes in H2's 45 s
# retention time), and a series of runs filled this machine's disk; the log and the reports stay
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -rf "$work/data"' EXIT
for ((i = 0; i < 240; i++)); do
    curl -sf "http://127.0.0.1:$port/actuator/health" > /dev/null && break
    kill -0 "$server" 2> /dev/null || { echo "[cpu] the server exited; see $work/server.log" >&2; exit 1; }
    sleep 0.5
done

# ticks (user + system) per thread name, digits folded
threads() {
    for stat in /proc/"$server"/task/*/stat; do cat "$stat" 2> /dev/null || true; done | awk '{
        line = $0; lp = index(line, "("); rp = 0
        for (i = length(line); i > 0; i--) if (substr(line, i, 1) == ")") { rp = i; break }
        name = substr(line, lp + 1, rp - lp - 1); gsub(/[0-9]+/, "#", name)
        split(substr(line, rp + 2), f, " "); ticks[name] += f[12] + f[13]
    } END { for (n in ticks) printf "%s\t%d\n", n, ticks[n] }'
}
"$JAVA_HOME/bin/java" -cp "$root/benchmarks/target/classes:$(cat "$cp_file")" dev.tally.bench.ClientCredentialsLoad \
    --base-url="http://127.0.0.1:$port" --admin-token="$token" --scenario="$scenario" \
    --concurrency="$concurrency" --warmup="$warmup" --duration="$duration" > "$work/load.txt" 2> "$work/load.log" &
load=$!
sleep $((warmup + 2))
threads > "$work/cpu0"
sleep $((duration - 4))
threads > "$work/cpu1"
window=$((duration - 4))
wait "$load" || echo "[cpu] the load tool reported errors; see $work/load.txt" >&2
rate=$(sed -n 's/^throughput: *\([0-9.]*\).*/\1/p' "$work/load.txt")
hz=$(getconf CLK_TCK)
echo "server CPU per answered request, by thread, over ${window} s of the measured window at $rate req/s"
awk -F'\t' 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d > 0) printf "%d\t%s\n", d, $1 }' \
    "$work/cpu0" "$work/cpu1" | sort -rn > "$work/used"
awk -F'\t' -v rate="$rate" -v window="$window" -v hz="$hz" '
    { used[NR] = $1; name[NR] = $2; total += $1 }
    END {
        requests = rate * window
        printf "| thread | CPU s | share | us per request |\n|---|---|---|---|\n"
        printf "| all | %.1f | 100 %% | %.0f |\n", total / hz, total / hz / requests * 1e6
        for (i = 1; i <= NR && i <= 10; i++) {
            printf "| %s | %.1f | %.1f %% | %.0f |\n", name[i], used[i] / hz, 100 * used[i] / total, used[i] / hz / requests * 1e6
        }
    }' "$work/used"
echo
cat "$work/load.txt"
echo "[cpu] server log and reports in $work (its data directory is removed)" >&2
