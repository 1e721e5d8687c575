package dev.tally.token.protocol;

import java.time.Duration;

/**
 * A throttle's wait as the {@code Retry-After} header says it (RFC 9110 §10.2.3): whole seconds, rounded up so a
 * client that waits exactly that long is not refused again, and at least 1.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static long seconds(Duration wait) {
        long whole = wait.toSeconds();
        return Math.max(1, wait.toNanosPart() == 0 ? whole : whole + 1);
    }
}
