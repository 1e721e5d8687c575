package dev.tally.token.view;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.token.view.TokenConfigState.SessionView;
import java.time.Duration;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;

/**
 * Login sessions by their cookie (the cookie itself is never kept). Whether a session is still alive is not decided
 * here: the session aggregate decides on every use.
 *
 * <p>A session's id follows from its cookie ({@link SessionCommands#sessionIdFor}), so the session is read from its
 * own stream in the event store when a cookie is presented ({@link Source#started}: its {@code SessionStarted}), checked
 * against the cookie's hash in constant time, and kept in a cache bounded by count
 * ({@code tally.token.sessions.cache-size}) that the session's events evict ({@link OnDemandCache}); a session seen to end
 * is read again, found, and refused by its aggregate. The node holds no view of every live session (architecture
 * decision 12).
 *
 * <p>Sessions started before ids followed cookies (random ids) are still held as before, by the SHA-256 of their cookie:
 * no new ones are added, and each leaves when it ends, at the latest at its absolute timeout.
 */
public class LoginSessions extends SequencedView {
    private final TenantKeyed<SessionView> byCookieHash = new TenantKeyed<>();
    private final TenantKeyed<String> cookieHashBySession = new TenantKeyed<>();
    private final Source source;
    private final OnDemandCache<SessionView> byId;

    /** Where sessions are read from. */
    public interface Source {
        /** The session's first event, if there is such a session. */
        Optional<SessionStarted> started(String sessionId);
    }

    public LoginSessions(Source source, long cacheSize) {
        this.source = source;
        this.byId = new OnDemandCache<>(cacheSize, Duration.ZERO);
    }

    public static boolean handles(Class<?> payloadType) {
        return SessionEvent.class.isAssignableFrom(payloadType);
    }

    /**
     * Whether the views need this event to hold their state (a checkpoint keeps it): only the events of sessions
     * started before ids followed cookies.
     */
    public static boolean held(DomainEventMessage<?> message) {
        return !SessionCommands.followsCookie(message.getAggregateIdentifier());
    }

    /** The session whose cookie this is, if it was started (and, for one held in memory, not seen to end). */
    public Optional<SessionView> byCookie(String tenantId, String cookieValue) {
        if (tenantId == null || cookieValue == null) {
            return Optional.empty();
        }
        Optional<SessionView> session = byId.get(SessionCommands.sessionIdFor(cookieValue), this::read)
                .filter(s -> s.tenantId().equals(tenantId) && SecretHash.matches(cookieValue, s.cookieHash()));
        return session.isPresent() ? session : byCookieHash.get(tenantId, SecretHash.of(cookieValue));
    }

    /** Sessions held in the cache now (for tests). */
    public long cached() {
        return byId.size();
    }

    /** Reads of a session from the store so far (for tests). */
    public long storeReads() {
        return byId.storeReads();
    }

    @Override
    public void apply(DomainEventMessage<?> message) {
        if (handles(message.getPayloadType()) && !held(message)) {
            // not held: the next use reads the store again (no sequence kept either, so nothing grows per session)
            byId.evict(message.getAggregateIdentifier());
            return;
        }
        super.apply(message);
    }

    @Override
    boolean handlesPayload(Class<?> payloadType) {
        return handles(payloadType);
    }

    @Override
    void applyPayload(Object event) {
        switch (event) {
            case SessionStarted e -> {
                byCookieHash.put(e.tenantId(), e.cookieHash(),
                        new SessionView(e.sessionId(), e.tenantId(), e.userId(), e.cookieHash()));
                cookieHashBySession.put(e.tenantId(), e.sessionId(), e.cookieHash());
            }
            case SessionExpired e -> forget(e.tenantId(), e.sessionId());
            case SessionRevoked e -> forget(e.tenantId(), e.sessionId());
            default -> { }
        }
    }

    private SessionView read(String sessionId) {
        return source.started(sessionId)
                .map(e -> new SessionView(e.sessionId(), e.tenantId(), e.userId(), e.cookieHash()))
                .orElse(null);
    }

    private void forget(String tenantId, String sessionId) {
        cookieHashBySession.remove(tenantId, sessionId).ifPresent(hash -> byCookieHash.remove(tenantId, hash));
    }
}
