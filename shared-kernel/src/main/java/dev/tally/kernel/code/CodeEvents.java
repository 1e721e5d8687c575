package dev.tally.kernel.code;

import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/** Events of authorization codes. */
public final class CodeEvents {
    private CodeEvents() {
    }

    @Revision("1")
    public record AuthorizationCodeIssued(String codeId, String tenantId, String clientId, String userId, String sessionId,
                                          String redirectUri, String codeChallenge, String scope, String audience,
                                          String nonce, Instant authTime, Instant issuedAt, Instant expiresAt) {
    }

    /** @param tokenIds the jtis of the tokens this redemption issues */
    @Revision("1")
    public record AuthorizationCodeRedeemed(String codeId, String tenantId, String clientId, String userId,
                                            List<String> tokenIds, Instant at) {
    }

    /**
     * A code was presented again after it was redeemed: the request is refused and the tokens the first
     * redemption issued are revoked (RFC 6749 §4.1.2).
     */
    @Revision("1")
    public record AuthorizationCodeReused(String codeId, String tenantId, String clientId, String userId,
                                          List<String> revokedTokenIds, Instant at) {
    }
}
