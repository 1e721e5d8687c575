package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.login.*}: throttling of password guesses, shared by every token node through the database.
 *
 * @param maxFailuresPerUser    failed passwords for one user within the window before that user's logins wait
 * @param maxFailuresPerAddress failed passwords from one client address within the window before its logins wait
 * @param failureWindow         how long a failed password counts
 */
@ConfigurationProperties("tally.login")
public record LoginProperties(
        @DefaultValue("5") int maxFailuresPerUser,
        @DefaultValue("20") int maxFailuresPerAddress,
        @DefaultValue("15m") Duration failureWindow) {

    public LoginProperties {
        if (maxFailuresPerUser < 1 || maxFailuresPerAddress < 1) {
            throw new IllegalStateException("tally.login.max-failures-per-user and -per-address must be at least 1, not "
                    + maxFailuresPerUser + " and " + maxFailuresPerAddress);
        }
        if (failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalStateException("tally.login.failure-window must be positive, not " + failureWindow);
        }
    }
}
