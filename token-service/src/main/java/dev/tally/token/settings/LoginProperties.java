package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.login.*}: throttling of password guesses, shared by every token node through the database. The hard
 * limits count per user and address and per address, so failures elsewhere never lock a user out; across addresses
 * a user's attempts are only spaced out, by a delay that grows with the failures.
 *
 * @param maxFailuresPerUserAndAddress failed passwords for one user from one client address (IPv6: one /64) within the
 *                                     window before that user's logins from that address wait
 * @param maxFailuresPerAddress        failed passwords from one client address (IPv6: one /64), whatever the user,
 *                                     within the window before its logins wait
 * @param failureWindow                how long a failed password counts
 * @param userDelayAfterFailures       failed passwords for one user, all addresses together, within the window from
 *                                     which on every attempt for that user waits after the last failure: 1 s, doubling
 *                                     with each further failure up to {@code max-user-delay}; a delay, never a lock
 * @param maxUserDelay                 the longest an attempt for a user waits after that user's last failure (the
 *                                     delay of {@code user-delay-after-failures})
 */
@ConfigurationProperties("tally.login")
public record LoginProperties(
        @DefaultValue("5") int maxFailuresPerUserAndAddress,
        @DefaultValue("20") int maxFailuresPerAddress,
        @DefaultValue("15m") Duration failureWindow,
        @DefaultValue("10") int userDelayAfterFailures,
        @DefaultValue("1m") Duration maxUserDelay) {

    public LoginProperties {
        if (maxFailuresPerUserAndAddress < 1 || maxFailuresPerAddress < 1 || userDelayAfterFailures < 1) {
            throw new IllegalStateException("tally.login.max-failures-per-user-and-address, -per-address and "
                    + "tally.login.user-delay-after-failures must be at least 1, not " + maxFailuresPerUserAndAddress
                    + ", " + maxFailuresPerAddress + " and " + userDelayAfterFailures);
        }
        if (failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalStateException("tally.login.failure-window must be positive, not " + failureWindow);
        }
        if (maxUserDelay.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("tally.login.max-user-delay must be at least 1s, not " + maxUserDelay);
        }
    }
}
