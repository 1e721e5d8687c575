#!/usr/bin/env bash
# JMH benchmark of signing one access token as the token path does, by the JDK's provider and by the one Tally
# chooses (AWS-LC where it loads), ES256 and RS256, one thread. Usage: benchmarks/run-signing.sh [JMH options]
# (defaults: 1 fork per combination, 3x2 s warm-up, 5x2 s measured)
exec "$(dirname "${BASH_SOURCE[0]}")/run-jmh.sh" dev.tally.bench.signing.SigningBenchmark "$@"
