package dev.tally.token.view;

import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.session.SessionEvents.SessionEvent;
import dev.tally.kernel.session.SessionEvents.SessionExpired;
import dev.tally.kernel.session.SessionEvents.SessionRevoked;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.token.view.TokenConfigState.SessionView;
import java.util.Optional;

/**
 * Live login sessions, by tenant, then by the SHA-256 of their cookie (the cookie itself is never kept). Whether a
 * session is still alive is not decided here: the session aggregate decides on every use; a session seen to end is
 * dropped.
 */
public class LoginSessions extends SequencedView {
    private final TenantKeyed<SessionView> byCookieHash = new TenantKeyed<>();
    private final TenantKeyed<String> cookieHashBySession = new TenantKeyed<>();

    public static boolean handles(Class<?> payloadType) {
        return SessionEvent.class.isAssignableFrom(payloadType);
    }

    /** The session whose cookie this is, if it was started and has not been seen to end. */
    public Optional<SessionView> byCookie(String tenantId, String cookieValue) {
        return cookieValue == null ? Optional.empty() : byCookieHash.get(tenantId, SecretHash.of(cookieValue));
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

    private void forget(String tenantId, String sessionId) {
        cookieHashBySession.remove(tenantId, sessionId).ifPresent(hash -> byCookieHash.remove(tenantId, hash));
    }
}
