#!/usr/bin/env bash
# JMH benchmark of the lifetime engine: one full decision (every token type) for a tenant with five rules.
# Usage: benchmarks/run-lifetime-engine.sh [JMH options, e.g. -prof gc]   (defaults: 1 fork, 3x1 s warm-up, 5x1 s)
exec "$(dirname "${BASH_SOURCE[0]}")/run-jmh.sh" dev.tally.bench.lifetime.LifetimeEngineBenchmark "$@"
