package dev.tally.kernel.tenant;

import dev.tally.kernel.problem.InvalidInput;
import java.util.regex.Pattern;

/**
 * Tenant ids are chosen by the platform operator and appear in URLs ({@code /t/acme}); the tenant aggregate's
 * identifier is prefixed, because the event store keys aggregates by identifier alone across all types.
 */
public final class TenantIds {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String PREFIX = "tenant:";

    private TenantIds() {
    }

    public static String aggregateId(String tenantId) {
        return PREFIX + tenantId;
    }

    public static String requireValid(String tenantId) {
        if (tenantId == null || tenantId.isEmpty()) {
            throw new InvalidInput("id", "is required");
        }
        if (!VALID.matcher(tenantId).matches()) {
            throw new InvalidInput("id", "must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
        return tenantId;
    }
}
