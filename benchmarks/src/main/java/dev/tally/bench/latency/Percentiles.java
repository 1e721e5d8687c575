package dev.tally.bench.latency;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Latency statistics over sorted samples, using the nearest-rank percentile definition. */
public final class Percentiles {
    private Percentiles() {
    }

    /**
     * Nearest-rank percentile: the smallest sample such that at least {@code percentile}% of the samples
     * are less than or equal to it, i.e. {@code sorted[ceil(p/100 * n) - 1]} (rank clamped to 1..n).
     * The rank is computed in decimal arithmetic so that e.g. p=99.9, n=1000 gives exactly rank 999.
     *
     * @param sorted     samples in ascending order, not empty
     * @param percentile in [0, 100]; 0 returns the minimum
     */
    public static long nearestRank(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
        }
        long rank = BigDecimal.valueOf(percentile)
                .multiply(BigDecimal.valueOf(sorted.length))
                .divide(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.CEILING)
                .longValueExact();
        rank = Math.max(1, Math.min(sorted.length, rank));
        return sorted[(int) (rank - 1)];
    }

    /** Summary of a sorted, non-empty sample array (values in nanoseconds for the benchmark). */
    public record Summary(int count, long min, long p50, long p90, long p99, long p999, long max, double mean) {
    }

    public static Summary summarize(long[] sorted) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Summary(sorted.length, sorted[0],
                nearestRank(sorted, 50), nearestRank(sorted, 90), nearestRank(sorted, 99), nearestRank(sorted, 99.9),
                sorted[sorted.length - 1], sum / sorted.length);
    }
}
