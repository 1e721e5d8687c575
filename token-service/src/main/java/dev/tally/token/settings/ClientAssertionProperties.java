package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.client-assertion.*}: the bounds on a {@code private_key_jwt} client assertion (RFC 7523 §3).
 *
 * @param maxLifetime how long an assertion may be valid: its {@code exp} at most this far after its {@code iat} (or,
 *                    without {@code iat}, after now). A longer-lived assertion is refused: a stolen one would be
 *                    usable, and its {@code jti} would have to be remembered, for that long
 * @param clockSkew   how far the client's clock may be off: {@code iat} and {@code nbf} up to this far in the future,
 *                    {@code exp} up to this far in the past
 */
@ConfigurationProperties("tally.client-assertion")
public record ClientAssertionProperties(
        @DefaultValue("5m") Duration maxLifetime,
        @DefaultValue("30s") Duration clockSkew) {

    public ClientAssertionProperties {
        if (maxLifetime.isNegative() || maxLifetime.isZero() || maxLifetime.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalStateException("tally.client-assertion.max-lifetime must be positive and at most 1h, not " + maxLifetime);
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalStateException("tally.client-assertion.clock-skew must be between 0 and 5m, not " + clockSkew);
        }
    }

    public static ClientAssertionProperties defaults() {
        return new ClientAssertionProperties(Duration.ofMinutes(5), Duration.ofSeconds(30));
    }
}
