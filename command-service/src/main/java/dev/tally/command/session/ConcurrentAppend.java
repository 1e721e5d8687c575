package dev.tally.command.session;

import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Another node appended to the same session first. For the idempotent commands sent from here (expire, revoke) that
 * is expected, not a failure; the command bus may hand the conflict over wrapped.
 */
final class ConcurrentAppend {
    private ConcurrentAppend() {
    }

    static boolean causedBy(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }
}
