package dev.tally.query.web;

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
 * no value), instants in ISO-8601 UTC. An audit event writes itself ({@code AuditRow.write}) for the paged JSON and the
 * NDJSON stream alike.
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
}
