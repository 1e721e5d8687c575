package dev.tally.kernel.refresh;

import java.time.Instant;

/**
 * What a family says about one presented refresh token: active only if it is the family's current token (or, with
 * rotation none, its one token), the family has not ended, and neither deadline has passed.
 *
 * @param issuedAt when the presented token was handed out (the family start or the rotation that made it)
 * @param expiresAt the earlier of the family's absolute and idle deadlines
 */
public record RefreshTokenIntrospection(boolean active, String clientId, String userId, String sessionId,
                                        String scope, String audience, Instant issuedAt, Instant expiresAt) {
    public static final RefreshTokenIntrospection INACTIVE =
            new RefreshTokenIntrospection(false, null, null, null, null, null, null, null);
}
