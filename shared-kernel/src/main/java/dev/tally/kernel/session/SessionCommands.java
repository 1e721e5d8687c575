package dev.tally.kernel.session;

import dev.tally.kernel.crypto.RandomTokens;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands of the login session aggregate. The session alone decides whether it is alive, from its own state and
 * the injected clock; the token service asks it on every use.
 */
public final class SessionCommands {
    private SessionCommands() {
    }

    public static String newSessionId() {
        return "ses_" + RandomTokens.alphanumeric(24);
    }

    /**
     * @param cookieHash SHA-256 of the cookie value; the cookie itself never enters the history
     * @param idleTimeout seconds of inactivity after which the session expires (tenant setting, shortened by the client)
     * @param absoluteTimeout seconds after the start at which the session expires however active it is
     */
    public record StartSession(String sessionId, String tenantId, String userId, String clientId, String cookieHash,
                               long idleTimeout, long absoluteTimeout) {
    }

    /**
     * An authenticated use (a silent or interactive authorization). Answers {@link SessionUse}. Slides the idle
     * deadline, recording {@code SessionExtended} at most once per {@code activityInterval} seconds; an expired
     * session records {@code SessionExpired} and answers so (the expiry is committed, not thrown).
     */
    public record UseSession(@TargetAggregateIdentifier String sessionId, String tenantId, String clientId,
                             long activityInterval) {
    }

    /** The sweeper's command: records the expiry of a session past a deadline; does nothing otherwise. Idempotent. */
    public record ExpireSession(@TargetAggregateIdentifier String sessionId, String tenantId) {
    }

    /** Ends a live session (logout, administrator, permission change, refresh-token reuse). Idempotent. */
    public record RevokeSession(@TargetAggregateIdentifier String sessionId, String tenantId, SessionEndReason reason,
                                dev.tally.kernel.revocation.RevocationCause cause) {
        public RevokeSession(String sessionId, String tenantId, SessionEndReason reason) {
            this(sessionId, tenantId, reason, null);
        }
    }
}
