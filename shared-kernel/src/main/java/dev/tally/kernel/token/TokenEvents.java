package dev.tally.kernel.token;

import dev.tally.kernel.lifetime.TraceStep;
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
    @Revision("1")
    public record AccessTokenIssued(String tenantId, String jti, String clientId, String subject, String audience,
                                    String scope, String grantType, Instant issuedAt, Instant expiresAt,
                                    long lifetimeSeconds, String decidedBy, List<TraceStep> lifetimeTrace) {
    }

    /** An ID token left Tally, for {@code subject} in login session {@code sessionId} (null for the password grant). */
    @Revision("1")
    public record IdTokenIssued(String tenantId, String jti, String clientId, String subject, String sessionId,
                                Instant issuedAt, Instant expiresAt, long lifetimeSeconds, String decidedBy,
                                List<TraceStep> lifetimeTrace) {
    }
}
