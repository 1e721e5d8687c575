package dev.tally.platform.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform administrator's bearer token for the management API.
 *
 * @param adminToken        the token, at least 16 characters (as {@code TALLY_ADMIN_TOKEN}); unset: a random token for
 *                          this run, printed once in the log
 * @param requireAdminToken refuse to start without {@code tally.admin-token} instead of making one up (the
 *                          distributed profile sets it: every service must accept the same token)
 */
@ConfigurationProperties("tally")
public record AdminTokenProperties(String adminToken, @DefaultValue("false") boolean requireAdminToken) {

    /** Never the token itself, wherever a record is printed. */
    @Override
    public String toString() {
        return "AdminTokenProperties[adminToken=" + (adminToken == null || adminToken.isBlank() ? "unset" : "[redacted]")
                + ", requireAdminToken=" + requireAdminToken + "]";
    }
}
