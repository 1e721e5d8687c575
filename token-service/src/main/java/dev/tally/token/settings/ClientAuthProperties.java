package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.client-auth.*}: throttling of failed client authentication at the token, introspection and revocation
 * endpoints, counted in each token node's memory (N nodes allow N times the attempts).
 *
 * @param maxFailuresPerClientAndAddress failed authentications of one client from one address (IPv6: one /64) within
 *                                       the window before that client's requests from that address wait
 * @param maxFailuresPerAddress          failed client authentications from one address (IPv6: one /64), whatever the
 *                                       client or tenant, within the window before every request from it waits
 * @param failureWindow                  how long a failed client authentication counts
 * @param maxTrackedKeys                 counters kept at most (client-and-address and address together); beyond it the
 *                                       least recently used is forgotten
 */
@ConfigurationProperties("tally.client-auth")
public record ClientAuthProperties(
        @DefaultValue("10") int maxFailuresPerClientAndAddress,
        @DefaultValue("30") int maxFailuresPerAddress,
        @DefaultValue("1m") Duration failureWindow,
        @DefaultValue("100000") int maxTrackedKeys) {

    public ClientAuthProperties {
        if (maxFailuresPerClientAndAddress < 1 || maxFailuresPerAddress < 1) {
            throw new IllegalStateException("tally.client-auth.max-failures-per-client-and-address and -per-address must "
                    + "be at least 1, not " + maxFailuresPerClientAndAddress + " and " + maxFailuresPerAddress);
        }
        if (failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalStateException("tally.client-auth.failure-window must be positive, not " + failureWindow);
        }
        if (maxTrackedKeys < 2) {
            throw new IllegalStateException("tally.client-auth.max-tracked-keys must be at least 2, not " + maxTrackedKeys);
        }
    }
}
