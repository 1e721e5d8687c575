package dev.tally.query.audit;

import java.time.Instant;
import java.util.List;

/** A selection of one tenant's audit: every given field must match; {@code from} inclusive, {@code to} exclusive. */
public record AuditFilter(String tenantId, String userId, String clientId, String sessionId, String familyId,
                          String jti, List<String> types, Instant from, Instant to) {
    public AuditFilter {
        types = types == null ? List.of() : List.copyOf(types);
    }

    public static AuditFilter bySession(String tenantId, String sessionId) {
        return new AuditFilter(tenantId, null, null, sessionId, null, null, List.of(), null, null);
    }

    public static AuditFilter byFamily(String tenantId, String familyId) {
        return new AuditFilter(tenantId, null, null, null, familyId, null, List.of(), null, null);
    }
}
