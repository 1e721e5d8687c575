package dev.tally.kernel.lifetime;

import java.time.Instant;
import java.util.Objects;

/**
 * All decisions for one request, computed against the same instant and the same rule outcomes.
 *
 * @param issuedAt the whole-second instant every {@code expiresAt} is measured from (use as JWT {@code iat})
 */
public record LifetimeDecisions(
        Instant issuedAt,
        LifetimeDecision accessToken,
        LifetimeDecision idToken,
        LifetimeDecision refreshToken,
        LifetimeDecision sessionIdleTimeout,
        LifetimeDecision sessionAbsoluteTimeout) {

    public LifetimeDecisions {
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(idToken, "idToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        Objects.requireNonNull(sessionAbsoluteTimeout, "sessionAbsoluteTimeout");
    }

    public LifetimeDecision get(TokenType type) {
        return switch (type) {
            case ACCESS_TOKEN -> accessToken;
            case ID_TOKEN -> idToken;
            case REFRESH_TOKEN -> refreshToken;
            case SESSION_IDLE_TIMEOUT -> sessionIdleTimeout;
            case SESSION_ABSOLUTE_TIMEOUT -> sessionAbsoluteTimeout;
        };
    }
}
