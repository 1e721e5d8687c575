package dev.tally.support.axon;

import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Another node appended to the same aggregate first: a {@link ConcurrencyException}, or an
 * {@link AggregateStreamCreationException} when both tried to create it. Nothing of the losing command was recorded,
 * so the caller may send it again and the aggregate decides on the state the winner left. For idempotent commands
 * (expire, revoke) the conflict is expected, not a failure. The command bus may hand it over wrapped.
 */
public final class ConcurrentAppend {
    private ConcurrentAppend() {
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
