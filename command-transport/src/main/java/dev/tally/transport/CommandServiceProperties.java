package dev.tally.transport;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.command-service.*}: where a token service in distributed mode sends its commands.
 *
 * @param url            the command service's base URL (as {@code TALLY_COMMAND_SERVICE_URL}); required in distributed
 *                       mode
 * @param connectTimeout how long connecting to the command service may take
 * @param timeout        how long one command may take, answer included; a command whose answer did not come in time
 *                       is answered {@code 503} (it may still have been carried out)
 */
@ConfigurationProperties("tally.command-service")
public record CommandServiceProperties(
        String url,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration timeout) {

    public CommandServiceProperties {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException("tally.command-service.connect-timeout and .timeout must be positive, not "
                    + connectTimeout + " and " + timeout);
        }
    }
}
