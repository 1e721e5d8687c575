package dev.tally.query.web;

import dev.tally.query.audit.AuditRow;
import dev.tally.query.projection.Projections;
import java.io.OutputStream;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the query side writes JSON: snake_case names written out, every documented field present (null when it has
 * no value), instants in ISO-8601 UTC. One writer for an audit event serves the paged JSON and the NDJSON stream,
 * so both carry the same event the same way.
 */
public final class QueryJson {
    public static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Says whether the view a response was read from is being rebuilt. */
    public static final String STATUS_HEADER = "Tally-Projection-Status";
    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private QueryJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    public static void writeEvent(JsonGenerator g, AuditRow r) {
        g.writeStartObject();
        g.writeNumberProperty("position", r.position());
        g.writeStringProperty("event_id", r.eventId());
        g.writeStringProperty("type", r.type());
        g.writeStringProperty("tenant_id", r.tenantId());
        g.writeStringProperty("occurred_at", text(r.occurredAt()));
        g.writeStringProperty("user_id", r.userId());
        g.writeStringProperty("client_id", r.clientId());
        g.writeStringProperty("session_id", r.sessionId());
        g.writeStringProperty("family_id", r.familyId());
        g.writeStringProperty("jti", r.jti());
        g.writeName("details");
        g.writeRawValue(r.details());
        g.writeEndObject();
    }

    public static JsonGenerator generator(OutputStream out) {
        return MAPPER.createGenerator(out);
    }

    /** A JSON answer carrying the projection's status as a field and as a header. */
    public static ResponseEntity<byte[]> ok(ObjectNode body, String projectionStatus) {
        if (projectionStatus != null) {
            body.put("projection_status", projectionStatus);
        }
        ResponseEntity.BodyBuilder b = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (projectionStatus != null) {
            b.header(STATUS_HEADER, projectionStatus);
        }
        return b.header(HttpHeaders.CACHE_CONTROL, "no-store").body(MAPPER.writeValueAsBytes(body));
    }

    public static String status(Projections projections, String name) {
        return projections.status(name).status();
    }
}
