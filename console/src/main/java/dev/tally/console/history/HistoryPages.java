package dev.tally.console.history;

import static dev.tally.console.page.Html.esc;

import dev.tally.console.api.AdminApi;
import dev.tally.console.api.ApiRefusal;
import dev.tally.console.page.Html;
import dev.tally.console.page.Inputs;
import dev.tally.console.page.LifetimeTrace;
import dev.tally.console.page.Page;
import dev.tally.console.session.ConsoleSession;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/**
 * The timelines of a user, a login session and a refresh token family, each with time travel ({@code ?as_of=}): the
 * state then, rebuilt by the API from the event store ({@code ?at=}), and the audited events up to then. And one
 * issued token's lifetime decision, found by its {@code jti} in the audit.
 */
@Controller
@RequestMapping(Page.ROOT + "/tenants/{tenant}")
public class HistoryPages {
    static final int USER_PAGE = 100;

    private final AdminApi api;

    public HistoryPages(AdminApi api) {
        this.api = api;
    }

    @GetMapping("/families/{family}")
    public ResponseEntity<String> family(@PathVariable String tenant, @PathVariable String family,
                                         @RequestParam(name = "as_of", required = false) String asOfText,
                                         @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                         HttpServletRequest request) {
        return timeline(tenant, "refresh-token-families", "families", family, "Refresh token family", asOfText, session,
                request);
    }

    @GetMapping("/sessions/{loginSession}")
    public ResponseEntity<String> session(@PathVariable String tenant, @PathVariable String loginSession,
                                          @RequestParam(name = "as_of", required = false) String asOfText,
                                          @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                          HttpServletRequest request) {
        return timeline(tenant, "sessions", "sessions", loginSession, "Login session", asOfText, session, request);
    }

    private ResponseEntity<String> timeline(String tenant, String apiKind, String consoleKind, String id, String what,
                                            String asOfText, ConsoleSession session, HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        Inputs.id("id", id);
        Instant asOf = Inputs.asOf(asOfText);
        String path = "/admin/tenants/" + Html.segment(tenant) + "/" + apiKind + "/" + Html.segment(id);
        JsonNode state = api.get(request, session.credential(), path,
                asOf == null ? Map.of() : Map.of("at", asOf.toString()));
        JsonNode history = api.get(request, session.credential(), path + "/history", Map.of());
        String self = "/tenants/" + Html.segment(tenant) + "/" + consoleKind + "/" + Html.segment(id);
        Page page = Page.of(request, what + " " + id).tenant(tenant).h1(what + " " + id);
        asOfForm(page, self, asOf);
        page.h2(asOf == null ? "State now" : "State as of " + asOf).fields(state);
        if (asOf != null) {
            page.note("Rebuilt from this " + what.toLowerCase(Locale.ROOT)
                    + "'s own events in the event store, those not after " + asOf + ".");
        }
        List<JsonNode> events = Timeline.upTo(history.path("events"), asOf);
        page.h2(asOf == null ? "Timeline" : "Timeline up to " + asOf);
        Timeline.render(page, tenant, events, self);
        page.note("Audit view: " + Page.text(history.path("projection_status")));
        return page.ok();
    }

    @GetMapping("/users/{user}")
    public ResponseEntity<String> user(@PathVariable String tenant, @PathVariable String user,
                                       @RequestParam(name = "as_of", required = false) String asOfText,
                                       @RequestParam(name = "cursor", required = false) String cursor,
                                       @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                       HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        Inputs.id("user", user);
        Instant asOf = Inputs.asOf(asOfText);
        String base = "/admin/tenants/" + Html.segment(tenant);
        JsonNode profile = api.get(request, session.credential(), base + "/users/" + Html.segment(user), Map.of());
        Map<String, String> query = new HashMap<>();
        query.put("user_id", user);
        query.put("limit", "" + USER_PAGE);
        query.put("cursor", cursor);
        if (asOf != null) {
            // the audit's "to" is exclusive: a second more, then the events after the instant are dropped here
            query.put("to", asOf.plusSeconds(1).toString());
        }
        JsonNode audit = api.get(request, session.credential(), base + "/audit", query);
        String self = "/tenants/" + Html.segment(tenant) + "/users/" + Html.segment(user);
        String username = Page.text(profile.path("username"));
        Page page = Page.of(request, "User " + username).tenant(tenant).h1("User " + username);
        asOfForm(page, self, asOf);
        page.h2("User now").fields(profile);
        page.h2(asOf == null ? "Timeline, newest first" : "Timeline up to " + asOf + ", newest first");
        Timeline.render(page, tenant, Timeline.upTo(audit.path("events"), asOf), self);
        JsonNode next = audit.path("next_cursor");
        if (next.isString()) {
            String older = self + "?cursor=" + Html.query(next.asString())
                    + (asOf == null ? "" : "&as_of=" + Html.query(asOf.toString()));
            page.html("<p>" + page.a("Older events", older) + "</p>");
        }
        page.note("Audit view: " + Page.text(audit.path("projection_status")));
        return page.ok();
    }

    @GetMapping("/tokens")
    public ResponseEntity<String> token(@PathVariable String tenant,
                                        @RequestParam(name = "jti", required = false) String jti,
                                        @RequestAttribute(Page.SESSION_ATTRIBUTE) ConsoleSession session,
                                        HttpServletRequest request) {
        Inputs.id("tenant", tenant);
        String self = "/tenants/" + Html.segment(tenant) + "/tokens";
        Page page = Page.of(request, "Token").tenant(tenant).h1("A token's lifetime decision");
        page.html("<form method=\"get\" class=\"inline\" action=\"" + esc(page.href(self)) + "\">"
                + "<label for=\"jti\">jti</label><input type=\"text\" id=\"jti\" name=\"jti\" value=\""
                + esc(jti == null ? "" : jti) + "\" required><button type=\"submit\" id=\"show-token\">Show</button></form>");
        if (jti == null || jti.isBlank()) {
            return page.ok();
        }
        Inputs.jti(jti.trim());
        JsonNode audit = api.get(request, session.credential(), "/admin/tenants/" + Html.segment(tenant) + "/audit",
                Map.of("jti", jti.trim(), "type", "AccessTokenIssued,IdTokenIssued", "limit", "10"));
        JsonNode events = audit.path("events");
        if (events.isEmpty()) {
            throw new ApiRefusal(404, "Not Found", "no token with jti '" + jti.trim()
                    + "' was issued in tenant '" + tenant + "' (or its issuance record is past the tenant's retention)");
        }
        JsonNode issued = events.get(0);
        JsonNode d = issued.path("details");
        page.h2(Page.text(issued.path("type")) + " at " + Page.text(issued.path("occurred_at")));
        page.html("<p class=\"decision\">Lifetime <strong id=\"lifetime\">" + esc(Page.seconds(d.path("lifetime_seconds")))
                + "</strong>, decided by <strong id=\"decided-by\">" + Page.cell(d.path("decided_by")) + "</strong>.</p>");
        page.h2("Trace");
        LifetimeTrace.render(page, d.path("lifetime_trace"));
        page.h2("Issuance record").fields(d);
        page.h2("In the audit");
        Timeline.render(page, tenant, List.of(issued), null);
        return page.ok();
    }

    private static void asOfForm(Page page, String self, Instant asOf) {
        page.html("<form method=\"get\" class=\"inline as-of\" action=\"" + esc(page.href(self)) + "\">"
                + "<label for=\"as_of\">As of (UTC)</label><input type=\"text\" id=\"as_of\" name=\"as_of\" "
                + "placeholder=\"2026-12-05T01:23:45Z\" value=\"" + esc(asOf == null ? "" : asOf.toString()) + "\">"
                + "<button type=\"submit\" id=\"travel\">Travel</button> " + page.a("now", self) + "</form>");
    }
}
