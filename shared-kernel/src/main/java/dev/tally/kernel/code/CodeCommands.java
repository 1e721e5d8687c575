package dev.tally.kernel.code;

import dev.tally.kernel.crypto.SecretHash;
import java.time.Instant;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands of an authorization code. The aggregate is keyed by the code's hash: the code itself never enters
 * the history, and whoever holds it can find its aggregate.
 */
public final class CodeCommands {
    private CodeCommands() {
    }

    public static String codeId(String code) {
        return "code:" + SecretHash.of(code);
    }

    /** @param codeChallenge the PKCE S256 challenge, or {@code null} for a confidential client that sent none */
    public record IssueAuthorizationCode(String codeId, String tenantId, String clientId, String userId, String sessionId,
                                         String redirectUri, String codeChallenge, String scope, String audience,
                                         String nonce, Instant authTime, long lifetimeSeconds) {
    }

    /**
     * Redeems the code for the client that presents it. Answers {@link CodeRedemption}. The access token's
     * {@code jti} is chosen before, so that a second use of the code can revoke what the first one issued.
     */
    public record RedeemAuthorizationCode(@TargetAggregateIdentifier String codeId, String tenantId, String clientId,
                                          String redirectUri, String codeVerifier, List<String> tokenIds) {
    }
}
