#!/usr/bin/env bash
# Tally and Keycloak 26.x side by side, with one load tool and one JDK: refresh token rotation (issue 14, the
# default), client credentials, introspection or the password grant (issue 17).
# Rounds of three runs, one server under load at a time:
#   tally-h2   Tally standalone on H2 (run-client-credentials.sh: the tool starts the jar, fresh data directory)
#   tally-pg   Tally standalone on a fresh PostgreSQL database (run-on-postgres.sh: created, then dropped)
#   keycloak   Keycloak, started once before the first round by keycloak.sh (realm bench: revokeRefreshToken=true,
#              refreshTokenMaxReuse=0, confidential client m2m/s3cret, user alice/pw) and stopped at the end; the
#              tool reaches it with --peer-token-url and starts nothing, provisions nothing
# Every run is the tool's --scenario: refresh (CONCURRENCY closed-loop threads, 16, each owning one family started by
# the password grant, each presenting the refresh token of its previous 200 answer); client_credentials (Tally: one
# machine client of the tool's tenant; Keycloak: its client m2m); introspect (one access token of that client,
# introspected by it, every answer active); password (the refresh scenario's user, alice at Keycloak, no offline
# access or scope; both hash with Argon2id at 7 MiB and 5 iterations by default). Keycloak signs with ES256 unless KC_ALG says otherwise; the tool's Tally
# tenant signs with ES256. Odd rounds run the three in the
# order above, even rounds in the opposite one, so a machine that drifts does not favour one server. Tally gets a new
# JVM for every run, Keycloak one JVM for all of them (idle while Tally runs): its warm-up is the first run's and
# --warmup's.
#
# Usage: benchmarks/run-vs-keycloak.sh [path/to/tally.jar] [--scenario=refresh|client_credentials|introspect|password]
#                                      [--servers=tally-h2,tally-pg,keycloak] [--warmup=120] [--duration=30]
#                                      [--rounds=2] [--concurrency=16] [--server-jvm-args="..."]
#   Prints a Markdown table on stdout, one row per run as it ends: req/s, latency percentiles, errors, threads
#   stopped, the server's and the tool's CPU in the window (average cores busy) and the server's RSS under load;
#   then each Tally's mean req/s over the rounds divided by Keycloak's (the ratio). --server-jvm-args go to Tally
#   (default: bin/tally-standalone's, with its glibc settings: MALLOC_ARENA_MAX=2, MALLOC_TRIM_THRESHOLD_ and
#   MALLOC_MMAP_THRESHOLD_ at 128 KiB).
#   Every run's full report and log stay in a work directory, named at the end. Exit status 1 if any run failed.
#   "server CPU" is the server's own process: PostgreSQL's processes are not in tally-pg's, while Keycloak's
#   database (keycloak.sh starts it with --db=dev-file, an H2 file) runs inside its JVM, as tally-h2's does.
#   KEYCLOAK_SH (../shared/peers/keycloak.sh beside the checkout) starts and stops Keycloak; KC_PORT (8180) must be free; KC_VERSION,
#   KC_ALG and KC_ROOT (/tmp/peers, where keycloak.sh writes kc.pid) pass through to it; PEER_SCOPE is sent with
#   Keycloak's password grant (default none; offline_access asks for offline sessions). PostgreSQL as for
#   run-on-postgres.sh: PGHOST, PGPORT, PGUSER, PGPASSWORD.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME # keycloak.sh runs Keycloak on the same JDK
jar=$root/standalone/target/tally.jar
if [[ $# -gt 0 && "$1" != --* ]]; then
    jar=$1
    shift
fi
# Tally runs with the JVM settings bin/tally-standalone ships unless --server-jvm-args says otherwise. Each Tally run is
# a new JVM while Keycloak keeps one JVM warm across runs, so the warm-up must let Tally's JIT settle: under this load
# its compilers were still busy about one core-second per second 60 s in, and idle by 100 s (BENCHMARKS.md, "JIT").
warmup=120 duration=30 rounds=2 concurrency=16 scenario=refresh servers=tally-h2,tally-pg,keycloak
# shellcheck source=shipped-jvm.sh
source "$root/benchmarks/shipped-jvm.sh" # also glibc's settings, as bin/tally-standalone runs Tally
jvm_args=$shipped_jvm_opts
for arg in "$@"; do
    case $arg in
        --scenario=*) scenario=${arg#*=} ;;
        --servers=*) servers=${arg#*=} ;;
        --server-jvm-args=*) jvm_args=${arg#*=} ;;
        --warmup=*) warmup=${arg#*=} ;;
        --duration=*) duration=${arg#*=} ;;
        --rounds=*) rounds=${arg#*=} ;;
        --concurrency=*) concurrency=${arg#*=} ;;
        *) echo "usage: $0 [tally.jar] [--scenario=refresh|client_credentials|introspect]" \
            "[--servers=tally-h2,tally-pg,keycloak] [--warmup=120] [--duration=30] [--rounds=2] [--concurrency=16]" \
            "[--server-jvm-args=...]" >&2; exit 2 ;;
    esac
done
keycloak_sh=${KEYCLOAK_SH:-$root/../shared/peers/keycloak.sh} # beside the checkout, as on the team's machines
kc_port=${KC_PORT:-8180}
kc_root=${KC_ROOT:-/tmp/peers}
export KC_ROOT=$kc_root TOOL=load # the load tool, whatever TOOL the caller had set
work=$(mktemp -d -t tally-vs-keycloak-XXXXXX)
load=(--scenario="$scenario" --concurrency="$concurrency" --warmup="$warmup" --duration="$duration")
tally_args=()
[[ -n "$jvm_args" ]] && tally_args=(--server-jvm-args="$jvm_args")
case $scenario in refresh | client_credentials | introspect | password) ;; *) echo "[vs] unknown --scenario=$scenario" >&2; exit 2 ;; esac

if [[ ! -f "$jar" || ! -f "$root/benchmarks/target/runtime-classpath.txt" ]]; then
    echo "[vs] building the server and the benchmark tool" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
with_keycloak=0
[[ ",$servers," == *,keycloak,* ]] && with_keycloak=1
if (( with_keycloak )); then
    if [[ ! -x "$keycloak_sh" ]]; then
        echo "[vs] $keycloak_sh not found (KEYCLOAK_SH names it)" >&2; exit 2
    fi
    if curl -s -o /dev/null "http://127.0.0.1:$kc_port/"; then
        echo "[vs] port $kc_port answers already; stop what runs there or choose KC_PORT" >&2; exit 2
    fi
    stop_keycloak() { # keycloak.sh stop signals it; wait until the port is free, so the next run finds it so
        "$keycloak_sh" stop
        for ((i = 0; i < 30; i++)); do curl -s -o /dev/null "http://127.0.0.1:$kc_port/" || break; sleep 1; done
        echo "[vs] Keycloak stopped; reports and logs in $work" >&2
    }
    trap stop_keycloak EXIT
    echo "[vs] starting Keycloak on port $kc_port (the first start downloads and unpacks it)" >&2
    token_url=$("$keycloak_sh" start "$kc_port" 2> "$work/keycloak-start.log" | tail -1) || true
    if [[ "$token_url" != http*/token ]]; then
        echo "[vs] Keycloak did not start; see $work/keycloak-start.log and $kc_root/kc.log" >&2; exit 1
    fi
    peer=(--peer-token-url="$token_url" --peer-client=m2m:s3cret)
    [[ $scenario == refresh || $scenario == password ]] && peer+=(--peer-user=alice:pw)
    if [[ $scenario == refresh && -n "${PEER_SCOPE:-}" ]]; then
        peer+=(--peer-scope="$PEER_SCOPE")
    fi
    if [[ -f "$kc_root/kc.pid" ]]; then
        peer+=(--peer-pid="$(cat "$kc_root/kc.pid")")
    fi
    echo "[vs] Keycloak answers at $token_url" >&2
fi

# "key:   value" of a report, or "n/a"; the nth word of a value
field() { local v; v=$(sed -n "s/^$1: *//p" "$2" | head -1); echo "${v:-n/a}"; }
word() { awk -v n="$1" '{gsub(",", ""); print $n}' <<< "$2"; }
row() { # round, server, exit status, report
    local round=$1 server=$2 status=$3 report=$4 cpu rss stopped ms=() key
    if ! grep -q '^throughput:' "$report" 2>/dev/null; then
        echo "| $round | $server | run failed (exit $status), no report: see $work/$round-$server.log |"
        return
    fi
    cpu=$(field "CPU in window" "$report")
    rss=$(field "server RSS load" "$report")
    [[ $rss == VmRSS* ]] && rss=$(word 2 "$rss") || rss="not measured"
    stopped=$(field "threads stopped" "$report")
    for key in p50 p90 p99 p99.9 max; do
        ms+=("$(word 1 "$(field "latency $key" "$report")")")
    done
    [[ $stopped == n/a ]] && stopped="n/a - n/a"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s of %s | %s | %s | %s |%s\n' "$round" "$server" \
        "$(word 1 "$(field throughput "$report")")" "${ms[@]}" "$(word 1 "$(field errors "$report")")" \
        "$(word 1 "$stopped")" "$(word 3 "$stopped")" "$(word 4 "$cpu")" "$(word 2 "$cpu")" "$rss" \
        "$([[ $status == 0 ]] || echo " exit $status |")"
}
run() { # round, server
    local round=$1 server=$2 status=0 report=$work/$1-$2.md log=$work/$1-$2.log
    echo "[vs] round $round: $server" >&2
    case $server in
        tally-h2) "$root/benchmarks/run-client-credentials.sh" "$jar" "${load[@]}" "${tally_args[@]}" > "$report" \
            2> "$log" || status=$? ;;
        tally-pg) "$root/benchmarks/run-on-postgres.sh" "$jar" "${load[@]}" "${tally_args[@]}" > "$report" \
            2> "$log" || status=$? ;;
        keycloak) "$root/benchmarks/run-client-credentials.sh" "${peer[@]}" "${load[@]}" > "$report" 2> "$log" \
            || status=$? ;;
    esac
    [[ $status == 0 ]] || failed=1
    row "$round" "$server" "$status" "$report"
    rate=$(word 1 "$(field throughput "$report")")
    [[ $rate =~ ^[0-9.]+$ ]] && rates[$server]="${rates[$server]:-} $rate"
}
declare -A rates=()

failed=0
echo "| round | server | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | threads stopped | server CPU" \
    "| tool CPU | RSS load MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
IFS=, read -r -a chosen <<< "$servers"
for ((round = 1; round <= rounds; round++)); do
    order=()
    for server in tally-h2 tally-pg keycloak; do
        [[ " ${chosen[*]} " == *" $server "* ]] && order+=("$server")
    done
    if (( round % 2 == 0 )); then
        for ((i = ${#order[@]} - 1; i >= 0; i--)); do run "$round" "${order[i]}"; done
    else
        for server in "${order[@]}"; do run "$round" "$server"; done
    fi
done
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; if (NF) printf "%.1f", s / NF }' <<< "$1"; }
echo
echo "scenario $scenario, mean req/s over $rounds round(s):"
for server in tally-h2 tally-pg keycloak; do
    [[ -n "${rates[$server]:-}" ]] && echo "- $server: $(mean "${rates[$server]}")"
done
if [[ -n "${rates[keycloak]:-}" ]]; then
    for server in tally-h2 tally-pg; do
        [[ -n "${rates[$server]:-}" ]] && awk -v t="$(mean "${rates[$server]}")" -v k="$(mean "${rates[keycloak]}")" \
            -v s="$server" 'BEGIN { printf "- ratio %s / keycloak: %.2f\n", s, t / k }'
    done
fi
exit "$failed"
