package dev.tally.command.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.session.*} as the command service reads it.
 *
 * @param sweepInterval how often login sessions past their idle or absolute timeout are asked to record it
 *                      ({@code SessionExpired})
 */
@ConfigurationProperties("tally.session")
public record SessionSweepProperties(@DefaultValue("20s") Duration sweepInterval) {

    public SessionSweepProperties {
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalStateException("tally.session.sweep-interval must be positive, not " + sweepInterval);
        }
    }
}
