package dev.tally.query.state;

import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionExtended;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import java.time.Instant;

/**
 * A login session as its events leave it. Pure: {@link #apply} folds one event, and the same folding feeds the
 * {@code session_view} projection and the time-travel reads of the event store, so both always agree.
 *
 * @param status {@code active}, {@code expired} or {@code revoked}
 */
public record SessionState(String tenantId, String sessionId, String userId, String clientId, String status,
                           Instant startedAt, long idleTimeout, long absoluteTimeout, Instant idleDeadline,
                           Instant absoluteDeadline, Instant lastActivityAt, Instant endedAt, String endReason,
                           String causeKind, String causeReference) {
    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";

    /**
     * The state after {@code event}; {@code state} is {@code null} before the session started. An ended session
     * stays as it ended (the aggregate records nothing after its end; a repeated end changes nothing).
     */
    public static SessionState apply(SessionState state, SessionEvent event) {
        return switch (event) {
            case SessionStarted e -> state != null ? state : new SessionState(e.tenantId(), e.sessionId(), e.userId(),
                    e.clientId(), ACTIVE, e.startedAt(), e.idleTimeout(), e.absoluteTimeout(), e.idleDeadline(),
                    e.absoluteDeadline(), e.startedAt(), null, null, null, null);
            case SessionExtended e -> state == null || state.ended() ? state : new SessionState(state.tenantId,
                    state.sessionId, state.userId, state.clientId, ACTIVE, state.startedAt, state.idleTimeout,
                    state.absoluteTimeout, e.idleDeadline(), state.absoluteDeadline, e.at(), null, null, null, null);
            // An expired session ended at its deadline; when the expiry was noticed is the event's recordedAt.
            case SessionExpired e -> state == null || state.ended() ? state
                    : state.end(EXPIRED, e.deadline(), e.reason().wireName(), null);
            case SessionRevoked e -> state == null || state.ended() ? state
                    : state.end(REVOKED, e.at(), e.reason().wireName(), e.cause());
        };
    }

    /** The state after all of {@code events}, in order; {@code null} if none started a session. */
    public static SessionState fold(Iterable<? extends SessionEvent> events) {
        SessionState state = null;
        for (SessionEvent e : events) {
            state = apply(state, e);
        }
        return state;
    }

    public boolean ended() {
        return !ACTIVE.equals(status);
    }

    /**
     * The session as it stood at {@code instant}: one not yet recorded as ended but past a deadline then was
     * already expired (the absolute deadline first), though the sweeper may record that only later.
     */
    public SessionState asOf(Instant instant) {
        if (ended()) {
            return this;
        }
        if (!instant.isBefore(absoluteDeadline)) {
            return end(EXPIRED, absoluteDeadline, SessionEndReason.ABSOLUTE.wireName(), null);
        }
        if (!instant.isBefore(idleDeadline)) {
            return end(EXPIRED, idleDeadline, SessionEndReason.IDLE.wireName(), null);
        }
        return this;
    }

    private SessionState end(String newStatus, Instant at, String reason, RevocationCause cause) {
        return new SessionState(tenantId, sessionId, userId, clientId, newStatus, startedAt, idleTimeout,
                absoluteTimeout, idleDeadline, absoluteDeadline, lastActivityAt, at, reason,
                cause == null ? null : cause.kind(), cause == null ? null : cause.reference());
    }
}
