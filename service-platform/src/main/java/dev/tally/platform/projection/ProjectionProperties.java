package dev.tally.platform.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.projection.*}: how every service judges its projections.
 *
 * @param stallAfter how long events may wait on a projection whose position does not move before it reports
 *                   {@code stalled} (and health turns {@code DOWN})
 */
@ConfigurationProperties("tally.projection")
public record ProjectionProperties(@DefaultValue("60s") Duration stallAfter) {

    public ProjectionProperties {
        if (stallAfter.isNegative() || stallAfter.isZero()) {
            throw new IllegalStateException("tally.projection.stall-after must be positive, not " + stallAfter);
        }
    }
}
