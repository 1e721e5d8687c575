package dev.tally.command.tenant;

import dev.tally.kernel.tenant.JwksCaching;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.signing-keys.*}: how signing keys are rotated.
 *
 * @param prePublication how long a new key is published before it signs; at least the JWKS cache lifetime Tally
 *                       advertises (5 minutes), so resource servers' caches hold it before they meet a token it signed
 * @param sweepInterval  how often due key steps (activation, retirement, scheduled rotation) are taken; a step is
 *                       taken at most this late, which only lengthens a pre-publication or a retirement
 */
@ConfigurationProperties("tally.signing-keys")
public record SigningKeyProperties(@DefaultValue("1h") Duration prePublication, @DefaultValue("30s") Duration sweepInterval) {

    public SigningKeyProperties {
        if (prePublication.compareTo(JwksCaching.MAX_AGE) < 0) {
            throw new IllegalStateException("tally.signing-keys.pre-publication must be at least the JWKS cache lifetime ("
                    + JwksCaching.MAX_AGE + "), not " + prePublication);
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalStateException("tally.signing-keys.sweep-interval must be positive, not " + sweepInterval);
        }
    }

    public static SigningKeyProperties defaults() {
        return new SigningKeyProperties(Duration.ofHours(1), Duration.ofSeconds(30));
    }
}
