package dev.tally.kernel.token;

import dev.tally.kernel.lifetime.trace.TraceStep;
import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/** Events of issued tokens: the history a security team reads to learn what was issued, to whom, and why. */
public final class TokenEvents {
    private TokenEvents() {
    }

    /**
     * An access token left Tally. {@code lifetimeSeconds == expiresAt - issuedAt}; {@code decidedBy} names the
     * setting or rule that decided the lifetime, and {@code lifetimeTrace} every step of that decision, as the
     * explain endpoint shows it.
     */
    /**
     * @param sessionId the login session the token belongs to (its {@code sid} claim), or {@code null}
     * @param familyId  the refresh-token family it was issued with or from (its {@code fid} claim), or {@code null};
     *                  both {@code null} in revision 1 events
     */
    @Revision("2")
    public record AccessTokenIssued(String tenantId, String jti, String clientId, String subject, String audience,
                                    String scope, String grantType, Instant issuedAt, Instant expiresAt,
                                    long lifetimeSeconds, String decidedBy, List<TraceStep> lifetimeTrace,
                                    String sessionId, String familyId) {
        public AccessTokenIssued(String tenantId, String jti, String clientId, String subject, String audience,
                                 String scope, String grantType, Instant issuedAt, Instant expiresAt,
                                 long lifetimeSeconds, String decidedBy, List<TraceStep> lifetimeTrace) {
            this(tenantId, jti, clientId, subject, audience, scope, grantType, issuedAt, expiresAt, lifetimeSeconds,
                    decidedBy, lifetimeTrace, null, null);
        }
    }

    /**
     * An access token's {@code jti} is revoked until {@code expiresAt} (RFC 7009, or the management API).
     *
     * @param subject the token's {@code sub}
     */
    @Revision("1")
    public record AccessTokenRevoked(String tenantId, String jti, String clientId, String subject, Instant expiresAt,
                                     Instant at, dev.tally.kernel.revocation.RevocationCause cause) {
    }

    /** An ID token left Tally, for {@code subject} in login session {@code sessionId} (null for the password grant). */
    @Revision("1")
    public record IdTokenIssued(String tenantId, String jti, String clientId, String subject, String sessionId,
                                Instant issuedAt, Instant expiresAt, long lifetimeSeconds, String decidedBy,
                                List<TraceStep> lifetimeTrace) {
    }
}
