package dev.tally.kernel.code;

import java.time.Instant;

/**
 * The code's answer to a redemption.
 *
 * @param failure why it was refused ({@code null} when redeemed): the token endpoint answers {@code invalid_grant}
 */
public record CodeRedemption(boolean redeemed, String failure, String userId, String sessionId, String scope,
                             String audience, String nonce, Instant authTime) {
    public static CodeRedemption refused(String why) {
        return new CodeRedemption(false, why, null, null, null, null, null, null);
    }
}
