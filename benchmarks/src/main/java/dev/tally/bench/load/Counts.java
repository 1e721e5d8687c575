package dev.tally.bench.load;

/**
 * What the workers counted, summed over all of them after they were joined. Successes ({@code ok}), non-200 answers
 * and exceptions count only for requests started inside the measurement window; the warm-up has its own two counts.
 * {@code statusCounts[s]} is how many measured answers had status {@code s} other than 200.
 */
public record Counts(long ok, long non200, long exceptions, long warmupOk, long warmupErrors, long validated,
                     long validationFailures, int workers, int workersStopped, long[] statusCounts) {
    /** Statuses counted one by one: 0 to 599, anything else in the nearest. */
    static final int STATUSES = 600;

    public static Counts none() {
        return new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, new long[STATUSES]);
    }

    public long errors() {
        return non200 + exceptions;
    }

    public long total() {
        return ok + non200 + exceptions;
    }

    Counts plus(Counts o) {
        long[] statuses = new long[STATUSES];
        for (int s = 0; s < STATUSES; s++) {
            statuses[s] = statusCounts[s] + o.statusCounts[s];
        }
        return new Counts(ok + o.ok, non200 + o.non200, exceptions + o.exceptions, warmupOk + o.warmupOk,
                warmupErrors + o.warmupErrors, validated + o.validated, validationFailures + o.validationFailures,
                workers + o.workers, workersStopped + o.workersStopped, statuses);
    }
}
