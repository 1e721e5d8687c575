package dev.tally.platform.projection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.projection.*}: how every service judges its projections.
 *
 * @param stallAfter how long events may wait on a projection whose position does not move before it reports
 *                   {@code stalled} (and health turns {@code DOWN})
 * @param catchingUpLag events a moving projection may be behind the store's head and still report {@code live};
 *                   further behind, it reports {@code catching_up} (health stays {@code UP}: it moves)
 */
@ConfigurationProperties("tally.projection")
public record ProjectionProperties(@DefaultValue("60s") Duration stallAfter,
                                   @DefaultValue("1000") long catchingUpLag) {

    public ProjectionProperties {
        if (stallAfter.isNegative() || stallAfter.isZero()) {
            throw new IllegalStateException("tally.projection.stall-after must be positive, not " + stallAfter);
        }
        if (catchingUpLag < 0) {
            throw new IllegalStateException("tally.projection.catching-up-lag must not be negative, not " + catchingUpLag);
        }
    }
}
