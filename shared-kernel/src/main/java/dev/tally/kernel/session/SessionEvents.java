package dev.tally.kernel.session;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Events of login sessions. */
public final class SessionEvents {
    private SessionEvents() {
    }

    public sealed interface SessionEvent permits SessionStarted, SessionExtended, SessionExpired, SessionRevoked {
        String sessionId();

        String tenantId();

        String userId();
    }

    @Revision("1")
    public record SessionStarted(String sessionId, String tenantId, String userId, String clientId, String cookieHash,
                                 Instant startedAt, long idleTimeout, long absoluteTimeout, Instant idleDeadline,
                                 Instant absoluteDeadline) implements SessionEvent {
    }

    /** Activity, coalesced: the idle deadline slid to {@code idleDeadline}. */
    @Revision("1")
    public record SessionExtended(String sessionId, String tenantId, String userId, String clientId, Instant at,
                                  Instant idleDeadline) implements SessionEvent {
    }

    /** @param reason {@link SessionEndReason#IDLE} or {@link SessionEndReason#ABSOLUTE} */
    @Revision("1")
    public record SessionExpired(String sessionId, String tenantId, String userId, SessionEndReason reason,
                                 Instant deadline, Instant recordedAt) implements SessionEvent {
    }

    /** @param cause what caused the revocation; {@code null} in revision 1 events and for plain logouts */
    @Revision("2")
    public record SessionRevoked(String sessionId, String tenantId, String userId, SessionEndReason reason, Instant at,
                                 dev.tally.kernel.revocation.RevocationCause cause) implements SessionEvent {
        public SessionRevoked(String sessionId, String tenantId, String userId, SessionEndReason reason, Instant at) {
            this(sessionId, tenantId, userId, reason, at, null);
        }
    }
}
