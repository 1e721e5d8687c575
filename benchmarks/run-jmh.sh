#!/usr/bin/env bash
# Runs one JMH benchmark class of the benchmarks module on the JDK bin/tally-jdk selects, building the module first if
# needed. Usage: benchmarks/run-jmh.sh <main class> [JMH options]   (run-lifetime-engine.sh, run-password-hasher.sh)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
main=$1
shift
cp_file=$root/benchmarks/target/runtime-classpath.txt
if [[ ! -f "$cp_file" || ! -d "$root/benchmarks/target/classes/META-INF" ]]; then
    echo "[bench] building the benchmarks module" >&2
    (cd "$root" && mvn -q -B -DskipTests -pl benchmarks -am package)
fi
echo "[bench] JDK $JAVA_HOME" >&2
exec "$JAVA_HOME/bin/java" -cp "$root/benchmarks/target/classes:$(cat "$cp_file")" "$main" "$@"
