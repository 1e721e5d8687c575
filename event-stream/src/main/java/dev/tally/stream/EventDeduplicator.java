package dev.tally.stream;

/**
 * Makes a consumer idempotent: the stream delivers at least once (after a relay retry or crash, a consumer restart
 * or a rebalance an event comes again), and an event must change a view only once.
 *
 * <ul>
 *   <li>{@link JdbcEventDeduplicator} for views in a database: it records the event id in the same transaction as
 *   the view's rows, so "applied" and "recorded as applied" cannot part. The strongest choice.</li>
 *   <li>{@link InMemoryEventDeduplicator} for views held in memory, rebuilt on every start.</li>
 * </ul>
 */
@FunctionalInterface
public interface EventDeduplicator {

    /**
     * Runs {@code apply} unless {@code event} was applied before, and records it as applied if {@code apply}
     * returns normally. An exception from {@code apply} records nothing (and, for a database, rolls back).
     *
     * @return whether {@code apply} ran
     */
    boolean applyOnce(StreamedEvent event, Runnable apply);
}
