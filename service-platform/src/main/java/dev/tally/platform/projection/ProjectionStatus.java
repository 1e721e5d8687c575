package dev.tally.platform.projection;

import java.time.Instant;

/**
 * Where one projection (a view built from the event store) stands, as {@code /admin/projections}, the header of every
 * query answer, the health indicator and the metrics report it.
 *
 * @param name     the API's name of the projection
 * @param status   {@link #LIVE}, {@link #CATCHING_UP}, {@link #REPLAYING}, {@link #STALLED} or {@link #FAILING}
 * @param position the global index up to which the projection is complete: every event at or below it that will
 *                 ever be in the store has been applied (a view lists nothing above it)
 * @param head     the global index of the newest event in the store
 * @param failure  why it is failing, or {@code null}
 * @param stalledSince since when its position has not moved while events wait, or {@code null}
 */
public record ProjectionStatus(String name, String status, long position, long head, Failure failure,
                               Instant stalledSince) {
    /** Applying events as they come: at most {@code tally.projection.catching-up-lag} events behind the head. */
    public static final String LIVE = "live";
    /**
     * Moving, but further behind the head than a live view ever is (a node that starts on a long history, a view
     * that was down for a while): reads answer from a view that old. Not a replay (nothing was reset) and not a
     * stall (it moves).
     */
    public static final String CATCHING_UP = "catching_up";
    /** Rebuilding from the first event after a reset; reads answer from a partial view. */
    public static final String REPLAYING = "replaying";
    /** Events wait, no error is recorded, and its position has not moved for a while (nothing is processing it). */
    public static final String STALLED = "stalled";
    /** Its batches keep failing: it retries (with a growing pause) and stays where it is until the cause is gone. */
    public static final String FAILING = "failing";

    /**
     * A failure that holds a projection back.
     *
     * @param errorClass the exception's class (the deepest cause's, which names what went wrong)
     * @param message    its message
     * @param position   the global index of the first event of the batch that failed, or {@code null} if the failure
     *                   came before any event (reading the store)
     * @param since      when the failures began (the first of an unbroken run)
     * @param lastAttempt when it failed last
     * @param attempts   how many attempts failed in this run
     */
    public record Failure(String errorClass, String message, Long position, Instant since, Instant lastAttempt,
                          long attempts) {
    }

    /**
     * The one order of precedence every projection's status follows: a failure, then a stall, then a replay, then
     * being far behind, else live.
     */
    public static String judge(Failure failure, Instant stalledSince, boolean replaying, boolean farBehind) {
        return failure != null ? FAILING
                : stalledSince != null ? STALLED
                : replaying ? REPLAYING
                : farBehind ? CATCHING_UP
                : LIVE;
    }

    public long lagEvents() {
        return Math.max(0, head - position);
    }

    public boolean replaying() {
        return REPLAYING.equals(status);
    }

    /** Failing or stalled: what an orchestrator should alert on. */
    public boolean unhealthy() {
        return FAILING.equals(status) || STALLED.equals(status);
    }
}
