#!/usr/bin/env bash
# Refresh token rotation in Tally and in Keycloak side by side (issue 14): run-vs-keycloak.sh --scenario=refresh.
# Usage: benchmarks/run-refresh-vs-keycloak.sh [path/to/tally.jar] [--warmup=10] [--duration=30] [--rounds=2] ...
exec "$(dirname "${BASH_SOURCE[0]}")/run-vs-keycloak.sh" "$@" --scenario=refresh
