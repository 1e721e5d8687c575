package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;

/**
 * A client's own login-session timeouts, in seconds. They can only shorten the tenant's (the engine bounds them
 * by the tenant's values); {@code null} means the tenant's.
 */
public record ClientSessionLimits(Long sessionIdleTimeout, Long sessionAbsoluteTimeout) {
    public static final ClientSessionLimits NONE = new ClientSessionLimits(null, null);

    public ClientSessionLimits {
        if (sessionIdleTimeout != null && sessionIdleTimeout <= 0) {
            throw new InvalidInput("session_idle_timeout", "must be a positive number of seconds");
        }
        if (sessionAbsoluteTimeout != null && sessionAbsoluteTimeout <= 0) {
            throw new InvalidInput("session_absolute_timeout", "must be a positive number of seconds");
        }
        if (sessionIdleTimeout != null && sessionAbsoluteTimeout != null && sessionIdleTimeout > sessionAbsoluteTimeout) {
            throw new InvalidInput("session_idle_timeout", "must not exceed session_absolute_timeout");
        }
    }
}
