package dev.tally.console;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console's settings ({@code tally.console.*}), defaults here and nowhere else.
 *
 * @param apiBaseUrl  where the management API is read from; absent: this server itself, at the address and port the
 *                    browser's request arrived on (set it in distributed mode, or when Tomcat itself terminates TLS)
 * @param idleTimeout a console session unused this long is forgotten
 * @param maxAge      a console session ends this long after sign-in, used or not
 * @param maxSessions signed-in sessions kept at once on this node; sign-in beyond it is refused (503)
 * @param apiTimeout  connect and answer timeout of each call to the management API
 * @param secureCookies {@code true} or {@code false} forces the console cookies' {@code Secure} attribute; unset, it
 *                    is set exactly when the request came over HTTPS (behind a TLS-terminating proxy, set {@code true})
 */
@ConfigurationProperties("tally.console")
public record ConsoleProperties(URI apiBaseUrl,
                                @DefaultValue("30m") Duration idleTimeout,
                                @DefaultValue("8h") Duration maxAge,
                                @DefaultValue("1000") int maxSessions,
                                @DefaultValue("10s") Duration apiTimeout,
                                Boolean secureCookies) {
    public ConsoleProperties {
        if (apiBaseUrl != null && (apiBaseUrl.getScheme() == null || apiBaseUrl.getHost() == null
                || !(apiBaseUrl.getScheme().equals("http") || apiBaseUrl.getScheme().equals("https")))) {
            throw new IllegalArgumentException("tally.console.api-base-url must be an http(s) URL with a host; was "
                    + apiBaseUrl);
        }
        positive("tally.console.idle-timeout", idleTimeout);
        positive("tally.console.max-age", maxAge);
        positive("tally.console.api-timeout", apiTimeout);
        if (maxSessions < 1) {
            throw new IllegalArgumentException("tally.console.max-sessions must be at least 1; was " + maxSessions);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration; was " + d);
        }
    }
}
