#!/usr/bin/env bash
# Builds a large event store for the large-store benchmark (issue 17): the real server seeds it over HTTP, then
# StoreBuilder appends synthetic events through Axon's storage engine until it holds about EVENTS events.
#
# Usage: benchmarks/build-store.sh DIR [path/to/tally.jar]
#   EVENTS (10000000) events to append, TENANTS (200) tenants to seed, SEED (17) the generator's seed,
#   STORE=h2 (default: an H2 file store in DIR/data, the server's tally.data-dir) or STORE=postgres (a new database,
#   bench_store_<time>, on PGHOST (127.0.0.1) PGPORT (5432) as PGUSER (postgres); it is kept: run-large-store.sh
#   measures it, and `psql -c "DROP DATABASE ..."` removes it). DIR holds the master key, the admin token, the server
#   logs and `store.env` (what run-large-store.sh needs).
#   1. The standalone server starts on the empty store. The load tool (--base-url) creates TENANTS tenants, each with
#      an API, a user and a password client with rotation, and runs the refresh scenario (families started and
#      rotated), then creates a machine client per tenant and runs the client_credentials scenario. Real events of
#      the real server: tenants, keys, lifetime settings, APIs, clients, users, families, rotations, access tokens.
#   2. The server stops; StoreBuilder copies those payloads with new ids (families of 2,000 users per tenant, each
#      started and rotated 0-16 times, with their access tokens, between client_credentials access tokens) and
#      appends them in batches of 2,000 through JdbcEventStorageEngine, with the server's schema and serializer.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/bin/tally-jdk"); export JAVA_HOME
dir=${1:?usage: build-store.sh DIR [tally.jar]}
jar=${2:-$root/standalone/target/tally.jar}
events=${EVENTS:-10000000}
tenants=${TENANTS:-200}
seed=${SEED:-17}
store=${STORE:-h2}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
classes=$root/benchmarks/target/classes
cp_file=$root/benchmarks/target/runtime-classpath.txt
if [[ ! -f "$jar" || ! -f "$classes/dev/tally/bench/StoreBuilder.class" || ! -f "$cp_file" ]]; then
    echo "[store] build the server and the tools first: mvn -o -q -pl standalone,benchmarks -am package -DskipTests" >&2
    exit 2
fi
cp="$classes:$(cat "$cp_file")"
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}
user=${PGUSER:-postgres}
case $store in
    h2)
        [[ -e "$dir/data" ]] && { echo "[store] $dir/data exists: give a new directory" >&2; exit 2; }
        server_args=()
        jdbc="jdbc:h2:file:$dir/data/tally"
        ;;
    postgres)
        db="bench_store_$(date -u +%Y%m%d_%H%M%S)"
        psql -h "$host" -p "$port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qXc "CREATE DATABASE $db"
        echo "[store] created database $db on $host:$port (kept)" >&2
        server_args=("--spring.datasource.url=jdbc:postgresql://$host:$port/$db" "--spring.datasource.username=$user")
        jdbc="jdbc:postgresql://$host:$port/$db"
        if [[ -n "${PGPASSWORD:-}" ]]; then export SPRING_DATASOURCE_PASSWORD=$PGPASSWORD; fi
        ;;
    *) echo "[store] STORE must be h2 or postgres, got: $store" >&2; exit 2 ;;
esac
if [[ ! -f "$dir/admin.token" ]]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > "$dir/admin.token")
fi
admin=$(cat "$dir/admin.token")
{
    echo "STORE=$store"
    echo "JDBC_URL=$jdbc"
    echo "SERVER_ARGS=\"${server_args[*]:-}\""
    echo "TENANTS=$tenants"
} > "$dir/store.env"

http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$http_port"
echo "[store] 1. seeding: server on $base, $tenants tenants" >&2
TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -jar "$jar" --server.port="$http_port" --server.address=127.0.0.1 \
    --tally.data-dir="$dir/data" --tally.master-key-file="$dir/master.key" ${server_args[@]+"${server_args[@]}"} \
    > "$dir/seed-server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
until curl -fs "$base/actuator/health" >/dev/null 2>&1; do
    kill -0 "$server_pid" 2>/dev/null || { tail -40 "$dir/seed-server.log" >&2; exit 1; }
    sleep 0.2
done
t0=$(date +%s.%N)
load() {
    TALLY_ADMIN_TOKEN=$admin "$JAVA_HOME/bin/java" -cp "$cp" dev.tally.bench.ClientCredentialsLoad --base-url="$base" \
        --tenants="$tenants" --warmup=0 "$@"
}
load --scenario=refresh --concurrency="$tenants" --duration=5 > "$dir/seed-refresh.md" 2> "$dir/seed-refresh.log"
load --concurrency=8 --duration=5 > "$dir/seed-client-credentials.md" 2> "$dir/seed-client-credentials.log"
seeded_s=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
trap - EXIT
echo "[store]    seeded over HTTP in ${seeded_s} s" >&2

echo "[store] 2. appending $events events (seed $seed) through the storage engine" >&2
user_opt=()
[[ $store == postgres ]] && user_opt=(--user="$user")
"$JAVA_HOME/bin/java" -cp "$cp" dev.tally.bench.StoreBuilder --jdbc-url="$jdbc" ${user_opt[@]+"${user_opt[@]}"} \
    --events="$events" --seed="$seed" | tee "$dir/build.txt"
if [[ $store == postgres ]]; then
    psql -h "$host" -p "$port" -U "$user" -d "$db" -qXc "ANALYZE"
fi
echo "seeded over HTTP ${seeded_s} s" >> "$dir/build.txt"
du -sh "$dir/data" >> "$dir/build.txt" 2>/dev/null || true
