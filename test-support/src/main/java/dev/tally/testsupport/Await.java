package dev.tally.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting, bounded, for an asynchronous effect (a consumer, a relay, another process): polling, not waiting for time. */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 50 ms until it holds; an {@link AssertionError} naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
