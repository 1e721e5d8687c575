package dev.tally.transport;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The secret the token service and the command service authenticate each other with in distributed mode.
 *
 * @param serviceToken at least 32 characters, the same in both services and different from the administrator's
 *                     token (as {@code TALLY_SERVICE_TOKEN}); required in distributed mode
 */
@ConfigurationProperties("tally")
public record ServiceTokenProperties(String serviceToken) {

    /** Never the token itself, wherever a record is printed. */
    @Override
    public String toString() {
        return "ServiceTokenProperties[serviceToken=" + (serviceToken == null || serviceToken.isBlank() ? "unset" : "[redacted]") + "]";
    }
}
