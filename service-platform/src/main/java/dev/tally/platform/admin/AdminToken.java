package dev.tally.platform.admin;

import dev.tally.kernel.crypto.RandomTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform administrator's bearer token for the management API. */
public final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] value;

    private AdminToken(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    public static AdminToken of(String value) {
        if (value == null || value.length() < 16) {
            throw new IllegalArgumentException("the administrator token must be at least 16 characters");
        }
        return new AdminToken(value);
    }

    /**
     * {@code tally.admin-token} ({@code TALLY_ADMIN_TOKEN}); when unset, a random token for this run, printed
     * once so the operator can use it. With {@code tally.require-admin-token=true} (distributed mode, where every service
     * must accept the same token) an unset token refuses to start instead.
     */
    public static AdminToken from(AdminTokenProperties properties) {
        String configured = properties.adminToken();
        if (configured != null && !configured.isBlank()) {
            return of(configured.trim());
        }
        if (properties.requireAdminToken()) {
            throw new IllegalStateException("TALLY_ADMIN_TOKEN (tally.admin-token) is not set: in distributed mode every "
                    + "service must accept the same administrator token, so none may make up its own");
        }
        String generated = RandomTokens.urlSafe(32);
        LOG.warn("TALLY_ADMIN_TOKEN is not set; the management API accepts this generated token for this run only: {}",
                generated);
        return new AdminToken(generated);
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }
}
