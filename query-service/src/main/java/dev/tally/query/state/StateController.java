package dev.tally.query.state;

import dev.tally.kernel.problem.NotFound;
import dev.tally.platform.problem.ManagementApi;
import dev.tally.platform.projection.ProjectionStatus;
import dev.tally.query.audit.AuditFilter;
import dev.tally.query.audit.AuditRepository;
import dev.tally.query.audit.AuditRow;
import dev.tally.query.projection.KnownTenants;
import dev.tally.query.projection.Projections;
import dev.tally.query.state.StateRepository.Keyset;
import dev.tally.query.web.Params;
import dev.tally.query.web.QueryJson;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Login sessions and refresh token families as the query side sees them: lists and current state from the views,
 * the state at an instant ({@code ?at=}) rebuilt from the event store, and the timeline of every audited event of
 * one session or family. Not under {@code /users/{user}/sessions}, which is the command side's.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}")
public class StateController {
    private static final int HISTORY_PAGE = 1000;

    private final StateRepository states;
    private final TimeTravel timeTravel;
    private final AuditRepository audit;
    private final KnownTenants tenants;
    private final Projections projections;
    private final Clock clock;

    public StateController(StateRepository states, TimeTravel timeTravel, AuditRepository audit, KnownTenants tenants,
                           Projections projections, Clock clock) {
        this.states = states;
        this.timeTravel = timeTravel;
        this.audit = audit;
        this.tenants = tenants;
        this.projections = projections;
        this.clock = clock;
    }

    @GetMapping("/sessions")
    public ResponseEntity<byte[]> sessions(@PathVariable String tenant, @RequestParam Map<String, String> query) {
        tenants.require(tenant);
        Params p = Params.of(query, Set.of("user_id", "limit", "cursor"));
        int limit = p.limit();
        Keyset before = keyset(p.cursor("cursor"));
        List<SessionState> rows = states.sessions(tenant, p.id("user_id"), before, limit + 1);
        Instant now = clock.instant();
        ObjectNode body = QueryJson.object();
        ArrayNode list = body.putArray("sessions");
        rows.stream().limit(limit).forEach(s -> list.add(json(s.asOf(now))));
        SessionState last = rows.size() > limit ? rows.get(limit - 1) : null;
        body.put("next_cursor", last == null ? null : cursor(last.startedAt(), last.sessionId()));
        return QueryJson.ok(body, projections.status("sessions").status());
    }

    /** The session now (from the view), or with {@code at} as it was then (from the event store). */
    @GetMapping("/sessions/{sessionId}")
    public ResponseEntity<byte[]> session(@PathVariable String tenant, @PathVariable String sessionId,
                                          @RequestParam Map<String, String> query) {
        tenants.require(tenant);
        Instant at = Params.of(query, Set.of("at")).instant("at");
        if (at != null) {
            SessionState s = timeTravel.session(tenant, sessionId, at).orElseThrow(() -> new NotFound(
                    "session '" + sessionId + "' did not exist in tenant '" + tenant + "' at " + at));
            ObjectNode body = json(s);
            body.put("as_of", at.toString());
            return QueryJson.ok(body, null);
        }
        SessionState s = states.session(tenant, sessionId).map(StateRepository.Stored::state).orElseThrow(
                () -> new NotFound("no session '" + sessionId + "' in tenant '" + tenant + "'"));
        return QueryJson.ok(json(s.asOf(clock.instant())), projections.status("sessions").status());
    }

    @GetMapping("/sessions/{sessionId}/history")
    public void sessionHistory(@PathVariable String tenant, @PathVariable String sessionId,
                               @RequestParam Map<String, String> query, HttpServletResponse response) throws IOException {
        tenants.require(tenant);
        Params.of(query, Set.of());
        history(AuditFilter.bySession(tenant, sessionId), "session '" + sessionId + "'", response);
    }

    @GetMapping("/refresh-token-families")
    public ResponseEntity<byte[]> families(@PathVariable String tenant, @RequestParam Map<String, String> query) {
        tenants.require(tenant);
        Params p = Params.of(query, Set.of("user_id", "session_id", "limit", "cursor"));
        int limit = p.limit();
        Keyset before = keyset(p.cursor("cursor"));
        List<FamilyState> rows = states.families(tenant, p.id("user_id"), p.id("session_id"), before, limit + 1);
        Instant now = clock.instant();
        ObjectNode body = QueryJson.object();
        ArrayNode list = body.putArray("refresh_token_families");
        rows.stream().limit(limit).forEach(f -> list.add(json(f.asOf(now))));
        FamilyState last = rows.size() > limit ? rows.get(limit - 1) : null;
        body.put("next_cursor", last == null ? null : cursor(last.startedAt(), last.familyId()));
        return QueryJson.ok(body, projections.status("sessions").status());
    }

    @GetMapping("/refresh-token-families/{familyId}")
    public ResponseEntity<byte[]> family(@PathVariable String tenant, @PathVariable String familyId,
                                         @RequestParam Map<String, String> query) {
        tenants.require(tenant);
        Instant at = Params.of(query, Set.of("at")).instant("at");
        if (at != null) {
            FamilyState f = timeTravel.family(tenant, familyId, at).orElseThrow(() -> new NotFound(
                    "refresh token family '" + familyId + "' did not exist in tenant '" + tenant + "' at " + at));
            ObjectNode body = json(f);
            body.put("as_of", at.toString());
            return QueryJson.ok(body, null);
        }
        FamilyState f = states.family(tenant, familyId).map(StateRepository.Stored::state).orElseThrow(
                () -> new NotFound("no refresh token family '" + familyId + "' in tenant '" + tenant + "'"));
        return QueryJson.ok(json(f.asOf(clock.instant())), projections.status("sessions").status());
    }

    @GetMapping("/refresh-token-families/{familyId}/history")
    public void familyHistory(@PathVariable String tenant, @PathVariable String familyId,
                              @RequestParam Map<String, String> query, HttpServletResponse response) throws IOException {
        tenants.require(tenant);
        Params.of(query, Set.of());
        history(AuditFilter.byFamily(tenant, familyId), "refresh token family '" + familyId + "'", response);
    }

    /** Oldest first, every audited event of the selection, written page by page. */
    private void history(AuditFilter filter, String what, HttpServletResponse response) throws IOException {
        ProjectionStatus view = projections.status("audit");
        String status = view.status();
        long through = view.position();
        List<AuditRow> page = audit.oldestFirst(filter, null, through, HISTORY_PAGE);
        if (page.isEmpty()) {
            throw new NotFound("no audited event of " + what + " in tenant '" + filter.tenantId() + "'");
        }
        response.setHeader(QueryJson.STATUS_HEADER, status);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        try (OutputStream out = response.getOutputStream(); JsonGenerator g = QueryJson.generator(out)) {
            g.writeStartObject();
            g.writeArrayPropertyStart("events");
            while (true) {
                for (AuditRow r : page) {
                    r.write(g);
                }
                if (page.size() < HISTORY_PAGE) {
                    break;
                }
                page = audit.oldestFirst(filter, page.get(page.size() - 1).position(), through, HISTORY_PAGE);
            }
            g.writeEndArray();
            g.writeStringProperty("projection_status", status);
            g.writeEndObject();
        }
    }

    static ObjectNode json(SessionState s) {
        ObjectNode n = QueryJson.object();
        n.put("session_id", s.sessionId());
        n.put("tenant_id", s.tenantId());
        n.put("user_id", s.userId());
        n.put("client_id", s.clientId());
        n.put("status", s.status());
        n.put("started_at", QueryJson.text(s.startedAt()));
        n.put("idle_timeout", s.idleTimeout());
        n.put("absolute_timeout", s.absoluteTimeout());
        n.put("idle_deadline", QueryJson.text(s.idleDeadline()));
        n.put("absolute_deadline", QueryJson.text(s.absoluteDeadline()));
        n.put("last_activity_at", QueryJson.text(s.lastActivityAt()));
        n.put("ended_at", QueryJson.text(s.endedAt()));
        n.put("end_reason", s.endReason());
        cause(n, s.causeKind(), s.causeReference());
        return n;
    }

    static ObjectNode json(FamilyState f) {
        ObjectNode n = QueryJson.object();
        n.put("family_id", f.familyId());
        n.put("tenant_id", f.tenantId());
        n.put("user_id", f.userId());
        n.put("client_id", f.clientId());
        n.put("session_id", f.sessionId());
        n.put("status", f.status());
        n.put("generation", f.generation());
        n.put("rotation", f.rotation());
        n.put("scope", f.scope());
        n.put("audience", f.audience());
        n.put("absolute_lifetime", f.absoluteLifetime());
        n.put("idle_lifetime", f.idleLifetime());
        n.put("leeway", f.leeway());
        n.put("started_at", QueryJson.text(f.startedAt()));
        n.put("expires_at", QueryJson.text(f.expiresAt()));
        n.put("idle_expires_at", QueryJson.text(f.idleExpiresAt()));
        n.put("last_used_at", QueryJson.text(f.lastUsedAt()));
        n.put("ended_at", QueryJson.text(f.endedAt()));
        n.put("end_reason", f.endReason());
        cause(n, f.causeKind(), f.causeReference());
        return n;
    }

    private static void cause(ObjectNode n, String kind, String reference) {
        if (kind == null) {
            n.putNull("cause");
        } else {
            n.putObject("cause").put("kind", kind).put("reference", reference);
        }
    }

    private static String cursor(Instant startedAt, String id) {
        return Params.encodeCursor(startedAt + " " + id);
    }

    private static Keyset keyset(String text) {
        if (text == null) {
            return null;
        }
        int space = text.indexOf(' ');
        if (space > 0 && space < text.length() - 1) {
            try {
                return new Keyset(Instant.parse(text.substring(0, space)), text.substring(space + 1));
            } catch (DateTimeParseException e) {
                // falls through
            }
        }
        throw Params.badCursor("cursor");
    }
}
