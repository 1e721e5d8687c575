package dev.tally.query.audit;

import dev.tally.query.web.QueryJson;
import java.time.Instant;
import tools.jackson.core.JsonGenerator;

/**
 * One audited event. {@code position} is the event's global index in the store (unique, the same on every replay:
 * the keyset of the audit API); {@code details} is JSON text without secrets ({@link EventDetails}).
 */
public record AuditRow(String tenantId, long position, String eventId, String type, Instant occurredAt,
                       String userId, String clientId, String sessionId, String familyId, String jti, String details) {

    /**
     * The event as the API shows it, the same in the paged JSON, the NDJSON stream and the timelines: snake_case
     * names, every field present (null when it has no value), the instant in ISO-8601 UTC, the details as stored.
     */
    public void write(JsonGenerator g) {
        g.writeStartObject();
        g.writeNumberProperty("position", position);
        g.writeStringProperty("event_id", eventId);
        g.writeStringProperty("type", type);
        g.writeStringProperty("tenant_id", tenantId);
        g.writeStringProperty("occurred_at", QueryJson.text(occurredAt));
        g.writeStringProperty("user_id", userId);
        g.writeStringProperty("client_id", clientId);
        g.writeStringProperty("session_id", sessionId);
        g.writeStringProperty("family_id", familyId);
        g.writeStringProperty("jti", jti);
        g.writeName("details");
        g.writeRawValue(details);
        g.writeEndObject();
    }
}
