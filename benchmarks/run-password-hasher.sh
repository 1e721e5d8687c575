#!/usr/bin/env bash
# JMH benchmark of the password hasher alone: Argon2id verifications per second at the default cost, one thread.
# Usage: benchmarks/run-password-hasher.sh [JMH options, e.g. -prof gc]   (defaults: 1 fork, 3x2 s warm-up, 5x2 s)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
cp_file=$root/benchmarks/target/runtime-classpath.txt
if [[ ! -f "$cp_file" || ! -d "$root/benchmarks/target/classes/META-INF" ]]; then
    echo "[bench] building the benchmarks module" >&2
    (cd "$root" && mvn -q -B -DskipTests -pl benchmarks -am package)
fi
echo "[bench] JDK $JAVA_HOME" >&2
exec "$JAVA_HOME/bin/java" -cp "$root/benchmarks/target/classes:$(cat "$cp_file")" \
    dev.tally.bench.password.PasswordHasherBenchmark "$@"
