#!/usr/bin/env bash
# Issue 15's fuzz harness at benchmark size: the standalone jar started on a fresh data directory with the settings
# Tally ships (H2, default log levels), a fixture made through the API, then --requests hostile requests (default
# 50,000) from the seeded generator, and the checks: 0 answers of 5xx, health UP, every tenant, client and token made
# before the run intact and working, every view live at the head, no secret of the run in the server's log.
#
# Usage: benchmarks/run-fuzz.sh [path/to/tally.jar] [--seed=N] [--requests=50000] [--concurrency=4] [--only=INDEX]
#                               [--server-jvm-args="-Xmx512m"] [--server-args="--spring.datasource.url=..."]
#        benchmarks/run-fuzz.sh --base-url=URL --admin-token=T --server-log=FILE [--seed=N] ...
#   The jar defaults to standalone/target/tally.jar. Request I of seed N is always the same request (against the
#   fixture's fresh ids), so --seed=N --only=I sends one failing request again. The summary (statuses by category and
#   endpoint, every distinct cause of a 5xx with its first request, secrets found in the log, the exceptions the log
#   names) goes to stdout; the exit status is 0 when every check passed. The server's log is kept when one failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
main=dev.tally.bench.HostileInputBench
classes=$root/benchmarks/target/classes
cp_file=$root/benchmarks/target/runtime-classpath.txt
jar=$root/standalone/target/tally.jar
args=()
for arg in "$@"; do
    case $arg in --base-url=*) jar= ;; esac
done
if [[ $# -gt 0 && "$1" != --* ]]; then
    jar=$1
    shift
fi
if [[ ( -n "$jar" && ! -f "$jar" ) || ! -f "$classes/${main//.//}.class" || ! -f "$cp_file" ]]; then
    echo "[fuzz] building the server and the harness" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
[[ -n "$jar" ]] && args+=(--jar="$jar")
echo "[fuzz] JDK $JAVA_HOME${jar:+, server $jar}" >&2
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM options
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$classes:$(cat "$cp_file")" "$main" ${args[@]+"${args[@]}"} "$@"
