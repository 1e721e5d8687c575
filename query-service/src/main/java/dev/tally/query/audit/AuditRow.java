package dev.tally.query.audit;

import java.time.Instant;

/**
 * One audited event. {@code position} is the event's global index in the store (unique, the same on every replay:
 * the keyset of the audit API); {@code details} is JSON text without secrets ({@link EventDetails}).
 */
public record AuditRow(String tenantId, long position, String eventId, String type, Instant occurredAt,
                       String userId, String clientId, String sessionId, String familyId, String jti, String details) {
}
