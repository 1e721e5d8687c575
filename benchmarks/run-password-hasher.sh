#!/usr/bin/env bash
# JMH benchmark of the password hasher alone: Argon2id verifications per second at the default cost, one thread.
# Usage: benchmarks/run-password-hasher.sh [JMH options, e.g. -t 2]   (defaults: 1 fork, 3x2 s warm-up, 5x2 s)
exec "$(dirname "${BASH_SOURCE[0]}")/run-jmh.sh" dev.tally.bench.password.PasswordHasherBenchmark "$@"
