package dev.tally.command.refresh;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.refresh.*}: the command service's sweep of refresh-token families.
 *
 * @param sweepInterval how often families past their expiry are asked to record it ({@code RefreshTokenFamilyExpired})
 */
@ConfigurationProperties("tally.refresh")
public record RefreshSweepProperties(@DefaultValue("30s") Duration sweepInterval) {

    public RefreshSweepProperties {
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalStateException("tally.refresh.sweep-interval must be positive, not " + sweepInterval);
        }
    }
}
