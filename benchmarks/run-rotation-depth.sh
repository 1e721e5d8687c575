#!/usr/bin/env bash
# Whether the cost of a refresh token rotation grows with the family's generation (RotationDepthProbe): the server
# as the load tool reaches it, then one family started with the password grant and rotated ROTATIONS times in
# sequence, each request presenting the refresh token of the answer before; the latency percentiles and the
# server's CPU per rotation of the first --window rotations set against those of the last --window, and their ratio.
#
# Usage: benchmarks/run-rotation-depth.sh [path/to/tally.jar] [--rotations=5000] [--window=500]
#                                         [--warmup-rotations=1000] [--background=0] [server options]
#   Server options as for run-client-credentials.sh: by default the standalone jar on H2, started by the probe;
#   --server-args=... / --server-jvm-args=... for it; --base-url=URL --admin-token=T for a running Tally;
#   POSTGRES=1 for the jar on a fresh PostgreSQL database (run-on-postgres.sh, dropped at the end); Keycloak with
#   --peer-token-url=http://127.0.0.1:8180/realms/bench/protocol/openid-connect/token --peer-client=m2m:s3cret
#   --peer-user=alice:pw (started by ../shared/peers/keycloak.sh start, beside the checkout; its pid is found by its port).
#   --background=16 adds the load tool's refresh scenario with 16 threads for the whole probe, so the rotations
#   are timed under load. --help lists every option. Exit status 0 when every rotation was answered and valid.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOOL=depth
if [[ "${POSTGRES:-0}" == 1 ]]; then
    exec "$root/benchmarks/run-on-postgres.sh" "$@"
fi
exec "$root/benchmarks/run-client-credentials.sh" "$@"
