package dev.tally.platform.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a projection that has stopped moving from one that is merely behind: events wait (its position is below the
 * store's head) and its position has not changed for longer than {@code stallAfter}, as this node saw it (a
 * processor that nobody runs, or one stuck inside a batch, reports no error). Measured on the monotonic clock, so a
 * test that moves the application's clock does not make a projection look stalled.
 */
public class StallWatch {
    private final Duration stallAfter;
    private final long catchingUpLag;
    private final Clock clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(long position, long sinceNanos) {
    }

    /** A watch that calls no lag "far behind" (for callers that judge only stalls). */
    public StallWatch(Duration stallAfter, Clock clock) {
        this(stallAfter, Long.MAX_VALUE, clock);
    }

    /** @param catchingUpLag events behind the head beyond which a moving projection is {@code catching_up}, not live */
    public StallWatch(Duration stallAfter, long catchingUpLag, Clock clock) {
        this.stallAfter = stallAfter;
        this.catchingUpLag = catchingUpLag;
        this.clock = clock;
    }

    /** Whether a projection at {@code position} is further behind {@code head} than a live one ever is. */
    public boolean farBehind(long position, long head) {
        return head - position > catchingUpLag;
    }

    /** Since when {@code name} has been stalled at {@code position}, or {@code null} if it is not. */
    public Instant stalledSince(String name, long position, long head) {
        long now = System.nanoTime();
        Seen last = seen.compute(name, (k, s) -> s == null || s.position() != position || head <= position
                ? new Seen(position, now) : s);
        if (head <= position) {
            return null;
        }
        long stillFor = now - last.sinceNanos();
        if (stillFor < stallAfter.toNanos()) {
            return null;
        }
        return clock.instant().minusNanos(stillFor);
    }
}
