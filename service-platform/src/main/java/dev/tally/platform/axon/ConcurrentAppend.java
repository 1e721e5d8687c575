package dev.tally.platform.axon;

import java.util.function.Supplier;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Another node appended to the same aggregate first: a {@link ConcurrencyException}, or an
 * {@link AggregateStreamCreationException} when both tried to create it. Nothing of the losing command was recorded,
 * so the caller may send it again and the aggregate decides on the state the winner left. For idempotent commands
 * (expire, revoke) the conflict is expected, not a failure. The command bus may hand it over wrapped.
 */
public final class ConcurrentAppend {
    /**
     * How many times in all a command is sent while it keeps losing append races: real concurrency on one aggregate
     * (two tabs, two nodes) loses once or twice; more means it is contended, and the caller answers "retry".
     */
    public static final int ATTEMPTS = 3;

    private ConcurrentAppend() {
    }

    /**
     * Runs {@code command} again while it loses an append race, {@link #ATTEMPTS} times in all; the aggregate decides
     * each time on the state the winner left. Any other failure, and the last lost race, is thrown to the caller.
     */
    public static <T> T retried(Supplier<T> command) {
        for (int attempt = 1; ; attempt++) {
            try {
                return command.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !causedBy(e)) {
                    throw e;
                }
            }
        }
    }

    public static boolean causedBy(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConcurrencyException || t instanceof AggregateStreamCreationException) {
                return true;
            }
        }
        return false;
    }
}
