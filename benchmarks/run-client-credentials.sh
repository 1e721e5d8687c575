#!/usr/bin/env bash
# Load benchmark of Tally's token endpoint against the standalone jar: the client_credentials grant (default) or
# refresh token rotation (--scenario=refresh).
#
# Usage: benchmarks/run-client-credentials.sh [path/to/tally.jar] [--scenario=client_credentials|refresh]
#                                             [--concurrency=16] [--warmup=10] [--duration=30]
#                                             [--tenants=1] [--max-requests=2000000] [--server-jvm-args="-Xmx512m"]
#                                             [--server-args="--spring.datasource.url=jdbc:postgresql://..."]
#   The jar defaults to standalone/target/tally.jar. The tool starts it on 127.0.0.1 with a fresh data directory,
#   measures, prints a report (throughput, latency percentiles, server memory) and stops the server. Both run on
#   the JDK bin/tally-jdk selects (a JDK >= 21); BENCH_JAVA_OPTS passes JVM options to the load generator.
#   --server-args go to the server after the tool's own arguments, e.g. a PostgreSQL database to use instead of H2
#   (the tool neither creates nor drops it: give it a fresh one per run). --help lists every option.
#   With --base-url=URL (a running Tally) or --peer-token-url=URL (another server, e.g. Keycloak, for the refresh
#   scenario; see run-vs-keycloak.sh) the jar is neither started nor needed.
#   TOOL=load (default) runs the load tool (ClientCredentialsLoad); TOOL=depth the rotation depth probe
#   (RotationDepthProbe, see run-rotation-depth.sh) with the same server options.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
jar=$root/standalone/target/tally.jar
if [[ $# -gt 0 && "$1" != --* ]]; then
    jar=$1
    shift
fi
case ${TOOL:-load} in
    load) main=dev.tally.bench.ClientCredentialsLoad ;;
    depth) main=dev.tally.bench.RotationDepthProbe ;;
    *) echo "[bench] TOOL must be load or depth, got: $TOOL" >&2; exit 2 ;;
esac
classes=$root/benchmarks/target/classes
cp_file=$root/benchmarks/target/runtime-classpath.txt
if [[ ! -f "$jar" || ! -f "$classes/${main//.//}.class" || ! -f "$cp_file" ]]; then
    echo "[bench] building the server and the benchmark tool" >&2
    (cd "$root" && mvn -q -B -DskipTests package)
fi
server=(--jar="$jar")
for arg in "$@"; do
    case $arg in --base-url=* | --peer-token-url=*) server=() ;; esac
done
echo "[bench] JDK $JAVA_HOME${server[0]:+, server $jar}" >&2
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM options
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$classes:$(cat "$cp_file")" "$main" \
    ${server[@]+"${server[@]}"} "$@"
