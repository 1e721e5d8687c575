package dev.tally.kernel.session;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.kernel.crypto.SecretHash;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands of the login session aggregate. The session alone decides whether it is alive, from its own state and
 * the injected clock; the token service asks it on every use.
 */
public final class SessionCommands {
    private static final String COOKIE_ID_LABEL = "tally login session id\n";

    private SessionCommands() {
    }

    /** A random session id (24 alphanumerics): the form of every session started before ids followed cookies. */
    public static String newSessionId() {
        return "ses_" + RandomTokens.alphanumeric(24);
    }

    /**
     * The id of the login session whose cookie is this value: {@code ses_} and 32 lower-case hex characters, the first
     * 128 bits of SHA-256 over a label of its own and the cookie. So a token node finds a session by its cookie with one
     * read of the session's own stream, and needs no index of every session. The id names the session in tokens
     * ({@code sid}), the history and the management API; it reveals nothing of the cookie (a one-way function of 256
     * random bits), and it is not the cookie's hash that {@code SessionStarted} records (another label).
     */
    public static String sessionIdFor(String cookieValue) {
        return "ses_" + SecretHash.of(COOKIE_ID_LABEL + cookieValue).substring(0, 32);
    }

    /** Whether this id was made by {@link #sessionIdFor} (else it is a random one, from before). */
    public static boolean followsCookie(String sessionId) {
        return sessionId != null && sessionId.length() == 36 && sessionId.startsWith("ses_");
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
