package dev.tally.query.audit;

import dev.tally.kernel.problem.InvalidInput;
import dev.tally.platform.problem.ManagementApi;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.query.projection.KnownTenants;
import dev.tally.query.projection.Projections;
import dev.tally.query.web.Params;
import dev.tally.query.web.QueryJson;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonGenerator;

/**
 * {@code GET /admin/tenants/{tenant}/audit}: the tenant's audited events, newest first, filtered and paged by an
 * opaque keyset cursor; with {@code Accept: application/x-ndjson} the whole selection as one event per line, read
 * page by page so it is never all in memory.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/audit")
public class AuditController {
    static final int STREAM_PAGE = 500;
    private static final Set<String> PARAMS = Set.of("user_id", "client_id", "session_id", "family_id", "jti", "type", "from",
            "to", "limit", "cursor");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,127}");
    private static final int MAX_TYPES = 50;

    private final AuditRepository audit;
    private final KnownTenants tenants;
    private final Projections projections;

    public AuditController(AuditRepository audit, KnownTenants tenants, Projections projections) {
        this.audit = audit;
        this.tenants = tenants;
        this.projections = projections;
    }

    @GetMapping
    public void audit(@PathVariable String tenant, @RequestParam Map<String, String> query,
                      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
                      HttpServletResponse response) throws IOException {
        tenants.require(tenant);
        Params params = Params.of(query, PARAMS);
        AuditFilter filter = filter(tenant, params);
        int limit = params.limit();
        Long before = position(params.cursor("cursor"));
        // only what the view is complete up to: an event that commits late then never lands behind a client's page
        ProjectionStatus view = projections.status("audit");
        String status = view.status();
        long through = view.position();
        response.setHeader(QueryJson.STATUS_HEADER, status);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (wantsNdjson(accept)) {
            if (params.raw("limit") != null) {
                throw new InvalidInput("limit", "the NDJSON stream is the whole selection; limit pages the JSON answer only");
            }
            // A cursor resumes a stream that broke off: everything older than the last event received.
            stream(filter, before, through, response);
            return;
        }
        List<AuditRow> rows = audit.newestFirst(filter, before, through, limit + 1);
        boolean more = rows.size() > limit;
        List<AuditRow> page = more ? rows.subList(0, limit) : rows;
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try (OutputStream out = response.getOutputStream(); JsonGenerator g = QueryJson.generator(out)) {
            g.writeStartObject();
            g.writeArrayPropertyStart("events");
            for (AuditRow r : page) {
                r.write(g);
            }
            g.writeEndArray();
            g.writeStringProperty("next_cursor", more ? cursor(page.get(page.size() - 1).position()) : null);
            g.writeStringProperty("projection_status", status);
            g.writeEndObject();
        }
    }

    private void stream(AuditFilter filter, Long from, long through, HttpServletResponse response) throws IOException {
        response.setContentType(QueryJson.NDJSON.toString());
        try (OutputStream out = response.getOutputStream()) {
            Long before = from;
            while (true) {
                List<AuditRow> page = audit.newestFirst(filter, before, through, STREAM_PAGE);
                for (AuditRow r : page) {
                    try (JsonGenerator g = QueryJson.generator(new NonClosing(out))) {
                        r.write(g);
                    }
                    out.write('\n');
                }
                out.flush();
                if (page.size() < STREAM_PAGE) {
                    return;
                }
                before = page.get(page.size() - 1).position();
            }
        }
    }

    static AuditFilter filter(String tenant, Params p) {
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidInput("to", "must be after from");
        }
        return new AuditFilter(tenant, p.id("user_id"), p.id("client_id"), p.id("session_id"), p.id("family_id"), p.id("jti"),
                types(p.raw("type")), from, to);
    }

    private static List<String> types(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> types = new ArrayList<>();
        for (String t : value.split(",", -1)) {
            String type = t.trim();
            if (!TYPE.matcher(type).matches()) {
                throw new InvalidInput("type", "must be event type names separated by commas, such as "
                        + "AccessTokenIssued,SessionRevoked");
            }
            types.add(type);
        }
        if (types.size() > MAX_TYPES) {
            throw new InvalidInput("type", "names at most " + MAX_TYPES + " types");
        }
        return types;
    }

    static String cursor(long position) {
        return Params.encodeCursor("p" + position);
    }

    static Long position(String cursorText) {
        if (cursorText == null) {
            return null;
        }
        if (cursorText.length() > 1 && cursorText.charAt(0) == 'p') {
            try {
                long position = Long.parseLong(cursorText.substring(1));
                if (position > 0) {
                    return position;
                }
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw Params.badCursor("cursor");
    }

    static boolean wantsNdjson(String accept) {
        if (accept == null) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (RuntimeException e) {
            return false;
        }
        // The first concrete type the client names decides; */* alone means the JSON answer.
        for (MediaType t : types) {
            if (t.isWildcardType() || t.isWildcardSubtype() || t.getQualityValue() == 0) {
                continue;
            }
            if (t.getType().equals("application") && t.getSubtype().equals("x-ndjson")) {
                return true;
            }
            return false;
        }
        return false;
    }

    /** Lets one generator per line write to the response without closing it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
