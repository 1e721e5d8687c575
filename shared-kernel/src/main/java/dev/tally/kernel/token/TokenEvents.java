package dev.tally.kernel.token;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/** Events of issued tokens: the history a security team reads to learn what was issued, to whom, and why. */
public final class TokenEvents {
    private TokenEvents() {
    }

    /**
     * An access token left Tally. {@code lifetimeSeconds == expiresAt - issuedAt}; {@code decidedBy} names the
     * setting or rule that decided the lifetime.
     */
    @Revision("1")
    public record AccessTokenIssued(String tenantId, String jti, String clientId, String subject, String audience,
                                    String scope, String grantType, Instant issuedAt, Instant expiresAt,
                                    long lifetimeSeconds, String decidedBy) {
    }
}
